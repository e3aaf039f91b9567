// The algebra stage's value: what one answer candidate converts to (math-verify keeps a
// SymPy object; we keep a GiNaC expression plus the few facts about the unevaluated
// SymPy form that sympy_expr_eq looks at). Spec: benches.md §3.2.
//
// GiNaC is not thread-safe (non-atomic reference counts shared through global constants
// and our symbol table), so every GiNaC operation runs under algebra_lock(), and values are
// created with make_value(), whose deleter takes the lock too.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <ginac/ginac.h>

#include "benches/math500/math_answer.h"

namespace harness::benches::math500 {

// How SymPy would classify an expression before doit(): math-verify compares "atomic"
// numbers differently from other expressions (step 7).
enum class NumberKind {
  None,      // not an atomic Number (a sum, a product, sqrt(4), a percent, a symbol …)
  Integer,   // 12, -3
  Rational,  // \frac{3}{4}, 3/4 in LaTeX, mixed numbers 1\frac{4}{5}
  Float,     // 0.5, 1.25, 1e5
};

enum class RelOp { Eq, Ne, Lt, Le, Gt, Ge };

struct MathValue {
  enum class Kind {
    Expr,      // expr (+ number kind, symbol facts)
    Relation,  // items = {lhs, rhs}, op; a chain a<b<c is an And (below)
    And,       // items = the relations of a chain, in order
    Set,       // FiniteSet; items in input order (SymPy keeps them unsorted too)
    Tuple,     // items
    Interval,  // items = {start, end}, left_open/right_open
    Union,     // items = the united sets
    Matrix,    // items row-major, rows × cols
    EmptySet,
    Opaque,    // refused as too large to evaluate (size guard): equal only to the same text
  };
  Kind kind = Kind::Expr;

  GiNaC::ex expr;                     // Expr
  NumberKind number = NumberKind::None;
  bool has_float = false;             // a Float literal inside: doit() gives a Float
  bool is_percent = false;            // X·(1/100) from "X\%" (atomic when X is)
  // SymPy keeps an operation GiNaC drops (x+0, x·1, x^1): not structurally equal to x.
  bool kept_identity_op = false;
  // Symbol facts of the unevaluated form (GiNaC reorders factors, SymPy's parse does not):
  std::string symbol_name;            // the expression is exactly this Symbol
  std::vector<std::string> product_names;  // a product of Symbols (and e), in input order
  bool is_e_letter = false;           // a bare "e": SymPy's E, named "e" in products

  RelOp op = RelOp::Eq;               // Relation
  std::vector<std::shared_ptr<const MathValue>> items;
  bool left_open = false, right_open = false;  // Interval
  int rows = 0, cols = 0;                      // Matrix
  std::string text;                            // Opaque: the normalised source
};

// Locks every GiNaC operation (recursive: public entry points nest).
std::recursive_mutex& algebra_mutex();
inline std::unique_lock<std::recursive_mutex> algebra_lock() {
  return std::unique_lock<std::recursive_mutex>(algebra_mutex());
}

MathValuePtr make_value(MathValue v);  // shared, deleted under the lock

// Cooperative time limit: GiNaC cannot be interrupted, so our own loops check it between
// GiNaC calls and size guards keep each call short.
struct AlgebraTimeout : std::runtime_error {
  AlgebraTimeout() : std::runtime_error("math500: algebra time budget exceeded") {}
};
// A value too large to evaluate (a power tower, a huge factorial): refused, not computed.
struct AlgebraTooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ScopedDeadline {  // sets this thread's deadline for the scope
 public:
  explicit ScopedDeadline(std::chrono::milliseconds budget);
  ~ScopedDeadline();
  ScopedDeadline(const ScopedDeadline&) = delete;
  ScopedDeadline& operator=(const ScopedDeadline&) = delete;

 private:
  std::chrono::steady_clock::time_point saved_;
};
void check_deadline();  // throws AlgebraTimeout once this thread's deadline passed

// ---- conversion internals (convert*.cpp) --------------------------------------------

// One LaTeX string → value, as latex2sympy2_extended's parse (is_real unless a complex
// marker appears). Throws std::runtime_error when the text does not parse.
MathValuePtr convert_latex(const std::string& latex);
// parse_latex_cached: convert_latex, retried on the text after the last "=" (2+ "=", no
// ","/";"). nullptr when neither parses.
MathValuePtr convert_latex_with_retry(const std::string& latex);
// A plain expression or number of the Expr target (format: extract.h).
MathValuePtr convert_plain(const std::string& text);

// The symbol of this name (realness as latex2sympy chooses it); the same object each time.
GiNaC::ex symbol_named(const std::string& name, bool real);
GiNaC::ex infinity_symbol();  // ∞ as a positive symbol (intervals only compare endpoints)

// Guarded GiNaC power (refuses results beyond the size guard with AlgebraTooLarge).
GiNaC::ex guarded_pow(const GiNaC::ex& base, const GiNaC::ex& exponent);
// Throws AlgebraTooLarge; inside a SyntaxOnlyScope returns a placeholder symbol instead,
// so that a second pass can tell a refused answer from one that does not parse at all.
GiNaC::ex refuse_too_large(const char* what);
class SyntaxOnlyScope {
 public:
  SyntaxOnlyScope();
  ~SyntaxOnlyScope();
  SyntaxOnlyScope(const SyntaxOnlyScope&) = delete;
  SyntaxOnlyScope& operator=(const SyntaxOnlyScope&) = delete;

 private:
  bool saved_;
};

// ---- comparison internals (equal*.cpp) ----------------------------------------------

bool exprs_equal(const MathValue& gold, const MathValue& pred);  // step 7 on two Expr
bool is_zero_numerically(const GiNaC::ex& e, double tolerance);  // symbol-free only
bool is_zero_symbolically(const GiNaC::ex& a, const GiNaC::ex& b);  // simplify(a-b).is_zero
bool try_real_value(const GiNaC::ex& e, double& out);            // for sorting sets

}  // namespace harness::benches::math500
