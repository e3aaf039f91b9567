// Step 7 of sympy_expr_eq (benches.md §3.2) on two expressions, and the zero tests
// behind it:
//  * an atomic Number on either side (Integer, Rational, Float, or X·(1/100) of one):
//      - with a Float: .round(6) of each side must agree — any constant expression rounds
//        to a Float (π → 3.141593), but an Integer stays an Integer, which never equals a
//        Float;
//      - without: the evaluated values must be equal;
//  * neither atomic: (g − p).evalf(15, chop=True) == 0 — chop drops |x| < 2^-54;
//  * then simplify(g − p).is_zero: exact zero, or a numeric proof (below).
// Floats are held as exact decimals, so every equality above is exact arithmetic.
#include <array>
#include <algorithm>
#include <cmath>

#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

namespace {

using namespace GiNaC;

constexpr double kChop = 5.551115123125783e-17;  // 2^-54: SymPy's chop at 15 digits

bool is_atomic(const MathValue& v) { return v.number != NumberKind::None; }  // X% of a Number too

// value rounded half-to-even to 6 decimals, as an integer count of 1e-6
numeric round6(const numeric& v) {
  numeric scaled = v * numeric(1000000);
  numeric fl = iquo(scaled.numer(), scaled.denom());
  if (scaled.is_negative() && !scaled.is_integer()) fl -= 1;
  numeric frac = scaled - fl;
  if (frac > numeric(1, 2) || (frac == numeric(1, 2) && !fl.is_even())) fl += 1;
  return fl;
}

// Counts nodes, stopping early past `limit`.
size_t node_count(const ex& e, size_t limit) {
  size_t n = 1;
  for (size_t i = 0; i < e.nops() && n <= limit; ++i) n += node_count(e.op(i), limit - n);
  return n;
}

bool has_function(const ex& e) {
  if (is_a<function>(e)) return true;
  if (is_a<power>(e) && !is_a<numeric>(e.op(1))) return true;
  if (is_a<power>(e) && is_a<numeric>(e.op(1)) && !ex_to<numeric>(e.op(1)).is_integer()) return true;
  for (size_t i = 0; i < e.nops(); ++i)
    if (has_function(e.op(i))) return true;
  return false;
}

void collect_symbols(const ex& e, exset& out) {
  if (is_a<symbol>(e)) {
    out.insert(e);
    return;
  }
  for (size_t i = 0; i < e.nops(); ++i) collect_symbols(e.op(i), out);
}

// |value| of a numeric evaluation, or -1 when it did not evaluate to a number.
double magnitude(const ex& e) {
  ex v = evalf(e);
  if (!is_a<numeric>(v)) return -1;
  return abs(ex_to<numeric>(v)).to_double();
}

class DigitsScope {
 public:
  explicit DigitsScope(long d) : saved_(Digits) { Digits = d; }
  ~DigitsScope() { Digits = saved_; }

 private:
  long saved_;
};

}  // namespace

bool is_zero_numerically(const ex& e, double tolerance) {
  if (e.is_zero()) return true;
  if (node_count(e, 20000) > 20000) throw AlgebraTimeout();
  DigitsScope digits(40);
  double m = magnitude(e);
  return m >= 0 && m < tolerance;
}

// Terms that expand() would produce, capped: (x+1)^100000 must never be expanded.
double expanded_terms(const ex& e) {
  constexpr double kCap = 1e9;
  if (is_a<add>(e)) {
    double n = 0;
    for (size_t i = 0; i < e.nops(); ++i) n += expanded_terms(e.op(i));
    return std::min(n, kCap);
  }
  if (is_a<mul>(e)) {
    double n = 1;
    for (size_t i = 0; i < e.nops(); ++i) n *= expanded_terms(e.op(i));
    return std::min(n, kCap);
  }
  if (is_a<power>(e) && is_a<numeric>(e.op(1))) {
    double base = expanded_terms(e.op(0));
    double k = std::fabs(ex_to<numeric>(e.op(1)).to_double());
    if (base <= 1) return 1;
    double n = 1;  // C(base + k - 1, k), the monomials of degree k in `base` terms
    for (double i = 1; i <= k && n < kCap; ++i) n = n * (base + k - i) / i;
    return std::min(n, kCap);
  }
  return 1;
}

bool is_zero_symbolically(const ex& a, const ex& b) {
  check_deadline();
  ex d = a - b;
  if (d.is_zero()) return true;
  if (d.has(infinity_symbol())) return false;
  if (node_count(d, 20000) > 20000) throw AlgebraTimeout();
  exset syms;
  collect_symbols(d, syms);
  if (syms.empty()) return is_zero_numerically(d, 1e-30);
  // Rational functions: exact, when expansion stays small.
  if (!has_function(d) && node_count(d, 400) <= 400 && expanded_terms(d) <= 2000) {
    ex n = normal(expand(d));
    check_deadline();
    return n.is_zero();
  }
  // Otherwise what SymPy's simplify would prove is checked numerically at fixed points
  // (one negative, so sqrt(x^2) ≠ x as Abs(x) ≠ x), relative to the sides' size.
  static const std::array<double, 3> kPoints = {0.7390851332151607, 1.6180339887498949,
                                                -0.5772156649015329};
  DigitsScope digits(30);
  for (size_t k = 0; k < kPoints.size(); ++k) {
    check_deadline();
    exmap at;
    size_t j = 0;
    for (const auto& s : syms) {
      // A different point per symbol, so that x − y is not zero by accident.
      at[s] = numeric(kPoints[(k + j) % kPoints.size()]) + numeric(static_cast<long>(j), 7);
      ++j;
    }
    ex va = evalf(a.subs(at)), vb = evalf(b.subs(at));
    if (!is_a<numeric>(va) || !is_a<numeric>(vb)) return false;
    const numeric& na = ex_to<numeric>(va);
    const numeric& nb = ex_to<numeric>(vb);
    numeric scale = std::max(numeric(1), std::max(abs(na), abs(nb)));
    if (!(abs(na - nb) < scale * numeric(1, 100000000) * numeric(1, 1000000000000LL))) return false;
  }
  return true;
}

// x.round(6) as SymPy gives it: Integer stays Integer (`is_int`), anything else becomes a
// Float of its numeric value. `units` is the value in 1e-6 steps (or the integer itself).
// False when x has symbols (SymPy raises, caught as "not equal").
bool round_value(const MathValue& v, numeric& units, bool& is_int) {
  exset syms;
  collect_symbols(v.expr, syms);
  if (!syms.empty()) return false;
  if (is_a<numeric>(v.expr)) {
    const numeric& n = ex_to<numeric>(v.expr);
    if (!n.is_real()) return false;
    is_int = n.is_integer() && !v.has_float;
    units = is_int ? n : round6(n);
    return true;
  }
  DigitsScope digits(30);
  ex f = evalf(v.expr);
  if (!is_a<numeric>(f) || !ex_to<numeric>(f).is_real()) return false;
  double d = ex_to<numeric>(f).to_double() * 1e6;
  if (!std::isfinite(d) || std::fabs(d) > 9e15) return false;
  is_int = false;
  units = numeric(static_cast<long>(std::nearbyint(d)));
  return true;
}

bool exprs_equal(const MathValue& g, const MathValue& p) {
  check_deadline();
  ex diff = g.expr - p.expr;
  if (is_atomic(g) || is_atomic(p)) {
    if (g.number == NumberKind::Float || p.number == NumberKind::Float) {
      numeric a, b;
      bool a_int = false, b_int = false;
      if (round_value(g, a, a_int) && round_value(p, b, b_int) && a_int == b_int && a == b)
        return true;
    } else if (diff.is_zero()) {
      return true;
    }
  } else {
    exset syms;
    collect_symbols(diff, syms);
    if (syms.empty() && !diff.has(infinity_symbol()) && is_zero_numerically(diff, kChop)) return true;
  }
  return is_zero_symbolically(g.expr, p.expr);
}

}  // namespace harness::benches::math500
