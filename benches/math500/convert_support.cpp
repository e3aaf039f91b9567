// Shared pieces of the algebra stage: the lock, the deadline, the symbol table, the value
// deleter and the guarded power.
#include <cmath>
#include <map>
#include <utility>

#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

namespace {
thread_local std::chrono::steady_clock::time_point t_deadline =
    std::chrono::steady_clock::time_point::max();

// Bits a numeric power may reach before we refuse it: 2^65536 is fine, a power tower is not.
constexpr double kMaxPowerBits = 300000;
}  // namespace

std::recursive_mutex& algebra_mutex() {
  static std::recursive_mutex m;
  return m;
}

MathValuePtr make_value(MathValue v) {
  return MathValuePtr(new MathValue(std::move(v)), [](const MathValue* p) {
    auto lock = algebra_lock();
    delete p;
  });
}

ScopedDeadline::ScopedDeadline(std::chrono::milliseconds budget) : saved_(t_deadline) {
  auto now = std::chrono::steady_clock::now();
  auto mine = now + budget;
  if (mine < t_deadline) t_deadline = mine;
}
ScopedDeadline::~ScopedDeadline() { t_deadline = saved_; }

void check_deadline() {
  if (t_deadline != std::chrono::steady_clock::time_point::max() &&
      std::chrono::steady_clock::now() > t_deadline)
    throw AlgebraTimeout();
}

GiNaC::ex symbol_named(const std::string& name, bool real) {
  // SymPy's Symbol('x', real=True) and Symbol('x') are different symbols, so realness is
  // part of the key. Symbols live for the process: the table only grows with new names.
  static std::map<std::pair<std::string, bool>, GiNaC::ex>* table =
      new std::map<std::pair<std::string, bool>, GiNaC::ex>();
  auto key = std::make_pair(name, real);
  auto it = table->find(key);
  if (it != table->end()) return it->second;
  GiNaC::ex sym = real ? GiNaC::ex(GiNaC::realsymbol(name)) : GiNaC::ex(GiNaC::symbol(name));
  table->emplace(key, sym);
  return sym;
}

GiNaC::ex infinity_symbol() {
  static GiNaC::ex* oo = new GiNaC::ex(GiNaC::possymbol("oo"));
  return *oo;
}

namespace {
thread_local bool t_syntax_only = false;
}

SyntaxOnlyScope::SyntaxOnlyScope() : saved_(t_syntax_only) { t_syntax_only = true; }
SyntaxOnlyScope::~SyntaxOnlyScope() { t_syntax_only = saved_; }

GiNaC::ex refuse_too_large(const char* what) {
  if (t_syntax_only) return symbol_named("refused", true);
  throw AlgebraTooLarge(what);
}

GiNaC::ex guarded_pow(const GiNaC::ex& base, const GiNaC::ex& exponent) {
  using namespace GiNaC;
  if (is_a<numeric>(exponent) && ex_to<numeric>(exponent).is_integer()) {
    const numeric& n = ex_to<numeric>(exponent);
    double e = std::fabs(n.to_double());
    if (is_a<numeric>(base)) {
      const numeric& b = ex_to<numeric>(base);
      double bits = 1;
      if (b.is_rational()) {
        numeric size = abs(b.numer()) + abs(b.denom());
        bits = static_cast<double>(size.int_length());
      } else {
        bits = 64;
      }
      if (e * bits > kMaxPowerBits && !(b.is_equal(1) || b.is_equal(-1) || b.is_zero()))
        return refuse_too_large("power too large to evaluate");
    } else if (e > 1e6) {
      return refuse_too_large("exponent too large");
    }
  } else if (is_a<numeric>(exponent)) {
    if (std::fabs(ex_to<numeric>(exponent).to_double()) > 1e6)
      return refuse_too_large("exponent too large");
  }
  return pow(base, exponent);
}

}  // namespace harness::benches::math500
