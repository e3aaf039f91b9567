// Normalised LaTeX → MathValue: a recursive-descent parser following the shape of
// latex2sympy2_extended's grammar (PS.g4) and the facts of its converter that
// math-verify's comparison can see:
//  * implicit multiplication binds tighter than * and /  (a/bc = a/(b·c));
//  * Integer/Integer (\frac or /) is an atomic Rational; an Integer followed by a positive
//    Rational is a mixed number (2\frac{1}{2} = 5/2); a minus on a number stays a number;
//  * a number's subscript is ignored (52_8 = 52), ^\circ is ignored (convert_degrees off);
//  * letters are lowercased Symbols, except I (the imaginary unit); e^x is exp(x);
//    \text{…} is a Symbol of its content without spaces and parentheses;
//  * (a,b)/[a,b) are Intervals (a Tuple when the interval would be empty), longer (…) are
//    Tuples, \{…\} and a top-level "a, b" are FiniteSets, "x \in S" is Eq(x, S);
//  * relations chain into an And (1<x<2 → 1<x ∧ x<2); "a \pm b" gives both elements.
#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "benches/math500/convert_lexer.h"
#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using GiNaC::numeric;
using Tok = LatexToken;
using TT = LatexToken::Type;

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

MathValue expr_value(ex e, bool has_float = false) {
  MathValue v;
  v.kind = MathValue::Kind::Expr;
  v.expr = std::move(e);
  v.has_float = has_float;
  return v;
}

MathValue number_value(const std::string& digits) {
  std::string t = digits;
  size_t e_at = t.find('E');
  if (e_at != std::string::npos) {  // 1.5E6: a Float
    MathValue m = number_value(t.substr(0, e_at));
    long e = std::stol(t.substr(e_at + 1));
    if (e > 400 || e < -400) {
      m.expr = refuse_too_large("exponent too large");
      return m;
    }
    m.expr = m.expr * GiNaC::pow(numeric(10), numeric(e));
    m.has_float = true;
    m.number = NumberKind::Float;
    return m;
  }
  if (t.front() == '.') t = "0" + t;
  size_t dot = t.find('.');
  MathValue v;
  if (dot == std::string::npos) {
    size_t nz = t.find_first_not_of('0');
    t = nz == std::string::npos ? "0" : t.substr(nz);
    v = expr_value(numeric(t.c_str()));
    v.number = NumberKind::Integer;
    return v;
  }
  // Floats are kept exact (decimal → rational): comparisons that SymPy makes with a
  // 15-digit Float come out the same for the short decimals answers hold.
  std::string whole = t.substr(0, dot), frac = t.substr(dot + 1);
  std::string all = whole + frac;
  size_t nz = all.find_first_not_of('0');
  all = nz == std::string::npos ? "0" : all.substr(nz);
  numeric num(all.c_str());
  numeric den = GiNaC::pow(numeric(10), numeric(static_cast<long>(frac.size())));
  v = expr_value(num / den, true);
  v.number = NumberKind::Float;
  return v;
}

// A SymPy Integer (an Integer percent is a product, not an Integer).
bool is_integer_value(const MathValue& v) {
  return v.kind == MathValue::Kind::Expr && v.number == NumberKind::Integer && !v.is_percent;
}

class LatexParser {
 public:
  LatexParser(std::vector<Tok> toks, bool real) : t_(std::move(toks)), real_(real) {}

  MathValue parse_math() {
    std::vector<std::vector<MathValue>> groups = parse_semicolon_elements();
    if (peek().type != TT::End) throw ParseError("trailing input");
    return elements_to_value(std::move(groups));
  }

 private:
  std::vector<Tok> t_;
  size_t p_ = 0;
  bool real_;
  int abs_depth_ = 0;

  const Tok& peek(size_t k = 0) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
  bool is_char(const std::string& c, size_t k = 0) const {
    return peek(k).type == TT::Char && peek(k).text == c;
  }
  bool is_cmd(const std::string& c, size_t k = 0) const {
    return peek(k).type == TT::Command && peek(k).text == c;
  }
  void expect_char(const std::string& c) {
    if (!is_char(c)) throw ParseError("expected " + c);
    ++p_;
  }

  static MathValuePtr share(MathValue v) { return make_value(std::move(v)); }

  // ---- elements, sets and relations ------------------------------------------------

  MathValue elements_to_value(std::vector<std::vector<MathValue>> groups) {
    if (groups.size() == 1 && groups[0].size() == 1) return std::move(groups[0][0]);
    MathValue set;
    set.kind = MathValue::Kind::Set;
    bool all_single = std::all_of(groups.begin(), groups.end(),
                                  [](const auto& g) { return g.size() == 1; });
    if (groups.size() == 1 || all_single) {
      for (auto& g : groups)
        for (auto& v : g) add_unique(set, std::move(v));
    } else {
      for (auto& g : groups) {
        MathValue tuple;
        tuple.kind = MathValue::Kind::Tuple;
        for (auto& v : g) tuple.items.push_back(share(std::move(v)));
        add_unique(set, std::move(tuple));
      }
    }
    return set;
  }

  // FiniteSet drops duplicates (structural equality); floats are left alone since our
  // exact floats would merge 0.5 with 1/2, which SymPy keeps apart.
  static void add_unique(MathValue& set, MathValue v) {
    if (v.kind == MathValue::Kind::Expr && !v.has_float) {
      for (const auto& item : set.items)
        if (item->kind == MathValue::Kind::Expr && !item->has_float &&
            item->expr.is_equal(v.expr))
          return;
    }
    set.items.push_back(share(std::move(v)));
  }

  std::vector<std::vector<MathValue>> parse_semicolon_elements() {
    std::vector<std::vector<MathValue>> groups;
    groups.push_back(parse_comma_elements());
    while (is_char(";")) {
      ++p_;
      groups.push_back(parse_comma_elements());
    }
    return groups;
  }

  std::vector<MathValue> parse_comma_elements() {
    std::vector<MathValue> out;
    for (auto& v : parse_element()) out.push_back(std::move(v));
    while (is_char(",")) {
      ++p_;
      for (auto& v : parse_element()) out.push_back(std::move(v));
    }
    return out;
  }

  // An element: a relation, or "a \pm b" / "\pm b" (both signs).
  std::vector<MathValue> parse_element() {
    check_deadline();
    if (is_cmd("pm") || is_cmd("mp")) {
      ++p_;
      MathValue b = parse_relation();
      if (b.kind != MathValue::Kind::Expr) throw ParseError("\\pm on a non-expression");
      return {negate(b), b};
    }
    MathValue a = parse_relation();
    if ((is_cmd("pm") || is_cmd("mp")) && a.kind == MathValue::Kind::Relation &&
        a.items[1]->kind == MathValue::Kind::Expr) {
      // x = 1 \pm \sqrt{19}: the relation's right side becomes the set of both values
      ++p_;
      MathValue b = parse_relation();
      need_expr(b);
      const MathValue& rhs = *a.items[1];
      MathValue set;
      set.kind = MathValue::Kind::Set;
      set.items = {share(expr_value(rhs.expr + b.expr, rhs.has_float || b.has_float)),
                   share(expr_value(rhs.expr - b.expr, rhs.has_float || b.has_float))};
      a.items[1] = share(std::move(set));
      return {std::move(a)};
    }
    if (is_cmd("pm") || is_cmd("mp")) {
      ++p_;
      MathValue b = parse_relation();
      if (a.kind != MathValue::Kind::Expr || b.kind != MathValue::Kind::Expr)
        throw ParseError("\\pm on a non-expression");
      return {expr_value(a.expr + b.expr, a.has_float || b.has_float),
              expr_value(a.expr - b.expr, a.has_float || b.has_float)};
    }
    return {std::move(a)};
  }

  bool relop(RelOp& op) const {
    const Tok& k = peek();
    if (k.type == TT::Char) {
      if (k.text == "=") { op = RelOp::Eq; return true; }
      if (k.text == "<") { op = RelOp::Lt; return true; }
      if (k.text == ">") { op = RelOp::Gt; return true; }
      return false;
    }
    if (k.type != TT::Command) return false;
    const std::string& c = k.text;
    if (c == "le" || c == "leq" || c == "leqslant") { op = RelOp::Le; return true; }
    if (c == "ge" || c == "geq" || c == "geqslant") { op = RelOp::Ge; return true; }
    if (c == "lt") { op = RelOp::Lt; return true; }
    if (c == "gt") { op = RelOp::Gt; return true; }
    if (c == "ne" || c == "neq") { op = RelOp::Ne; return true; }
    if (c == "in") { op = RelOp::Eq; return true; }  // interpret_contains_as_eq
    return false;
  }

  MathValue parse_relation() {
    MathValue lhs = parse_set_expr();
    RelOp op;
    if (is_cmd("approx")) {  // x ≈ 3 → 3; 2.99 ≈ 3 → 2.99
      ++p_;
      MathValue rhs = parse_set_expr();
      return only_symbols(lhs) ? rhs : lhs;
    }
    if (!relop(op)) return lhs;
    MathValue chain;
    chain.kind = MathValue::Kind::And;
    MathValue left = std::move(lhs);
    while (relop(op)) {
      bool in = is_cmd("in");
      ++p_;
      MathValue right = parse_set_expr();
      if (in && (!only_symbols(left) || right.kind == MathValue::Kind::Expr ||
                 right.kind == MathValue::Kind::Relation || right.kind == MathValue::Kind::And))
        throw ParseError("\\in needs symbols on the left and a set on the right");
      MathValue rel;
      rel.kind = MathValue::Kind::Relation;
      rel.op = op;
      rel.items = {share(left), share(right)};
      chain.items.push_back(share(std::move(rel)));
      left = std::move(right);
    }
    if (chain.items.size() == 1) return MathValue(*chain.items[0]);
    return chain;
  }

  static bool only_symbols(const MathValue& v) {
    return v.kind == MathValue::Kind::Expr && (!v.symbol_name.empty() || !v.product_names.empty());
  }

  MathValue parse_set_expr() {
    MathValue left = parse_set_atom_or_expr();
    while (is_cmd("cup") || is_cmd("cap") || is_cmd("setminus")) {
      std::string op = peek().text;
      ++p_;
      MathValue right = parse_set_atom_or_expr();
      if (op != "cup") throw ParseError("only unions are supported");
      auto set_like = [](const MathValue& v) {
        return v.kind == MathValue::Kind::Set || v.kind == MathValue::Kind::Interval ||
               v.kind == MathValue::Kind::Union || v.kind == MathValue::Kind::EmptySet ||
               v.kind == MathValue::Kind::Tuple;
      };
      if (!set_like(left) || !set_like(right)) throw ParseError("union of non-sets");
      MathValue u;
      u.kind = MathValue::Kind::Union;
      auto add = [&](MathValue v) {
        if (v.kind == MathValue::Kind::Union) {
          for (auto& it : v.items) u.items.push_back(it);
        } else {
          if (v.kind == MathValue::Kind::Tuple) v.kind = MathValue::Kind::Set;
          u.items.push_back(share(std::move(v)));
        }
      };
      add(std::move(left));
      add(std::move(right));
      left = std::move(u);
    }
    return left;
  }

  MathValue parse_set_atom_or_expr() {
    if (is_cmd("{")) {  // \{ … \}
      ++p_;
      MathValue set;
      set.kind = MathValue::Kind::Set;
      if (is_cmd("}")) { ++p_; set.kind = MathValue::Kind::EmptySet; return set; }
      auto groups = parse_semicolon_elements();
      if (!is_cmd("}")) throw ParseError("unclosed \\{");
      ++p_;
      for (auto& g : groups)
        for (auto& v : g) add_unique(set, std::move(v));
      return set;
    }
    if (is_cmd("emptyset") || is_cmd("varnothing")) {
      ++p_;
      MathValue e;
      e.kind = MathValue::Kind::EmptySet;
      return e;
    }
    if (is_char("(") || is_char("[")) {
      size_t save = p_;
      try {
        MathValue v;
        if (try_interval_or_tuple(v)) return v;
      } catch (const ParseError&) {
      }
      p_ = save;
      // Brackets around a set, interval or tuple keep it: ((2,4)) and [\{1,2\}]
      try {
        std::string close = is_char("(") ? ")" : "]";
        ++p_;
        MathValue inner = parse_set_expr();
        // (a union in [ ] does not parse in PS.g4; in ( ) it does)
        if (is_char(close) && inner.kind != MathValue::Kind::Expr &&
            inner.kind != MathValue::Kind::Matrix &&
            !(close == "]" && inner.kind == MathValue::Kind::Union)) {
          ++p_;
          return inner;
        }
      } catch (const ParseError&) {
      }
      p_ = save;
    }
    return parse_additive();
  }

  // "(a, b)" "[a, b)" … : an Interval of two expressions, a Tuple of more; false (and the
  // caller backtracks) for a single parenthesised expression.
  bool try_interval_or_tuple(MathValue& out) {
    bool left_open = is_char("(");
    ++p_;
    std::vector<MathValue> elems = parse_comma_elements();
    if (elems.size() < 2) return false;
    bool right_open;
    if (is_char(")")) right_open = true;
    else if (is_char("]")) right_open = false;
    else return false;
    ++p_;
    if (elems.size() == 2 && elems[0].kind == MathValue::Kind::Expr &&
        elems[1].kind == MathValue::Kind::Expr) {
      // An interval that would be empty is a Tuple (latex2sympy2_extended).
      const ex& a = elems[0].expr;
      const ex& b = elems[1].expr;
      bool empty = false;
      double da, db;
      if (try_real_value(a, da) && try_real_value(b, db))
        empty = (left_open && right_open) ? db <= da : (!left_open && !right_open && db < da);
      if (!empty) {
        out.kind = MathValue::Kind::Interval;
        // SymPy's Interval is always open at an infinite end: [-\infty, 0] = (-\infty, 0]
        out.left_open = left_open || a.is_equal(-infinity_symbol());
        out.right_open = right_open || b.is_equal(infinity_symbol());
        out.items = {share(std::move(elems[0])), share(std::move(elems[1]))};
        return true;
      }
    }
    out.kind = MathValue::Kind::Tuple;
    for (auto& v : elems) out.items.push_back(share(std::move(v)));
    return true;
  }

  // ---- arithmetic ------------------------------------------------------------------

  static MathValue negate(const MathValue& v) {
    if (v.kind != MathValue::Kind::Expr) throw ParseError("minus on a non-expression");
    MathValue r = expr_value(-v.expr, v.has_float);
    r.number = v.number;  // -Number stays an atomic Number
    return r;
  }

  static void need_expr(const MathValue& v) {
    if (v.kind != MathValue::Kind::Expr && v.kind != MathValue::Kind::Matrix)
      throw ParseError("arithmetic on a set or relation");
  }

  MathValue parse_additive() {
    MathValue left = parse_mp();
    while (is_char("+") || is_char("-")) {
      bool minus = is_char("-");
      ++p_;
      MathValue right = parse_mp();
      left = combine(left, right, minus ? '-' : '+');
    }
    return left;
  }

  MathValue combine(const MathValue& a, const MathValue& b, char op) {
    need_expr(a);
    need_expr(b);
    check_deadline();
    if (a.kind == MathValue::Kind::Matrix || b.kind == MathValue::Kind::Matrix)
      return matrix_combine(a, b, op);
    bool fl = a.has_float || b.has_float;
    MathValue r;
    switch (op) {
      case '+': r = expr_value(a.expr + b.expr, fl); break;
      case '-': r = expr_value(a.expr - b.expr, fl); break;
      case '*': r = expr_value(a.expr * b.expr, fl); break;
      default: {
        if (b.expr.is_zero()) throw ParseError("division by zero");
        r = expr_value(a.expr / b.expr, fl);
        if (is_integer_value(a) && is_integer_value(b)) {
          r.number = NumberKind::Rational;
          return r;
        }
      }
    }
    mark_identity_op(r, a, b);
    return r;
  }

  static void mark_identity_op(MathValue& r, const MathValue& a, const MathValue& b) {
    if (r.expr.is_equal(a.expr) || r.expr.is_equal(b.expr) || a.kept_identity_op ||
        b.kept_identity_op)
      r.kept_identity_op = true;
  }

  static MathValue matrix_combine(const MathValue& a, const MathValue& b, char op) {
    MathValue r;
    r.kind = MathValue::Kind::Matrix;
    if (a.kind == MathValue::Kind::Matrix && b.kind == MathValue::Kind::Matrix) {
      if (op != '+' && op != '-') throw ParseError("matrix product not supported");
      if (a.rows != b.rows || a.cols != b.cols) throw ParseError("matrix shapes differ");
      r.rows = a.rows;
      r.cols = a.cols;
      for (size_t i = 0; i < a.items.size(); ++i) {
        ex e = op == '+' ? a.items[i]->expr + b.items[i]->expr : a.items[i]->expr - b.items[i]->expr;
        r.items.push_back(share(expr_value(e, a.items[i]->has_float || b.items[i]->has_float)));
      }
      return r;
    }
    const MathValue& m = a.kind == MathValue::Kind::Matrix ? a : b;
    const MathValue& s = a.kind == MathValue::Kind::Matrix ? b : a;
    if (op != '*' && !(op == '/' && &m == &a)) throw ParseError("matrix and scalar");
    r.rows = m.rows;
    r.cols = m.cols;
    for (const auto& it : m.items)
      r.items.push_back(share(expr_value(op == '*' ? it->expr * s.expr : it->expr / s.expr,
                                         it->has_float || s.has_float)));
    return r;
  }

  bool mul_op(char& op) const {
    if (is_char("*")) { op = '*'; return true; }
    if (is_char("/") || is_char(":")) { op = '/'; return true; }
    if (is_cmd("cdot") || is_cmd("times") || is_cmd("ast")) { op = '*'; return true; }
    if (is_cmd("div")) { op = '/'; return true; }
    return false;
  }

  MathValue parse_mp() {
    MathValue left = parse_unary();
    char op;
    while (mul_op(op)) {
      ++p_;
      MathValue right = parse_unary();
      left = combine(left, right, op);
    }
    return left;
  }

  MathValue parse_unary() {
    if (is_char("+")) { ++p_; return parse_unary(); }
    if (is_char("-")) {
      ++p_;
      MathValue v = parse_unary();
      if (v.kind == MathValue::Kind::Matrix) return matrix_combine(v, expr_value(-1), '*');
      return negate(v);
    }
    std::vector<MathValue> list;
    list.push_back(parse_postfix());
    while (starts_atom()) list.push_back(parse_postfix());
    return multiply_postfix_list(list, 0);
  }

  // latex2sympy multiplies a postfix list right to left, turning "Integer Rational" into a
  // mixed number.
  MathValue multiply_postfix_list(std::vector<MathValue>& list, size_t i) {
    if (i + 1 == list.size()) return std::move(list[i]);
    MathValue rest = multiply_postfix_list(list, i + 1);
    MathValue& head = list[i];
    need_expr(head);
    need_expr(rest);
    if (head.kind == MathValue::Kind::Matrix || rest.kind == MathValue::Kind::Matrix)
      return matrix_combine(head, rest, '*');
    // SymPy's is_Rational holds for Integers too, so "2(5)" is 2 + 5 = 7 (as math-verify).
    if (is_integer_value(head) && !rest.is_percent &&
        (rest.number == NumberKind::Rational || rest.number == NumberKind::Integer) &&
        rest.kind == MathValue::Kind::Expr &&
        ex_to<numeric>(rest.expr).is_positive()) {
      const numeric& h = ex_to<numeric>(head.expr);
      const numeric& r = ex_to<numeric>(rest.expr);
      MathValue m = expr_value(h.is_negative() ? h - r : h + r);
      m.number = NumberKind::Rational;
      return m;
    }
    MathValue prod = expr_value(head.expr * rest.expr, head.has_float || rest.has_float);
    std::vector<std::string> names;
    auto collect = [&](const MathValue& v) {
      if (!v.symbol_name.empty()) { names.push_back(v.symbol_name); return true; }
      if (v.is_e_letter) { names.push_back("e"); return true; }  // E counts as "e"
      if (!v.product_names.empty()) {
        names.insert(names.end(), v.product_names.begin(), v.product_names.end());
        return true;
      }
      return false;
    };
    if (collect(head) && collect(rest)) prod.product_names = names;
    return prod;
  }

  bool starts_atom() const {
    const Tok& k = peek();
    switch (k.type) {
      case TT::Number: case TT::Letter: case TT::Text: return true;
      case TT::Char:
        if (k.text == "(" || k.text == "{") return true;
        if (k.text == "|") return abs_depth_ == 0;
        return false;
      case TT::Command: {
        static const char* kNotAtoms[] = {
            "cdot", "times", "div", "ast", "pm", "mp", "le", "leq", "leqslant", "ge", "geq",
            "geqslant", "lt", "gt", "ne", "neq", "in", "approx", "cup", "cap", "setminus",
            "}", "\\", "end", "rfloor", "rceil", "circ", "%", "right", "rangle", "to"};
        for (const char* n : kNotAtoms)
          if (k.text == n) return false;
        return true;
      }
      default: return false;
    }
  }

  MathValue parse_postfix() {
    MathValue v = parse_exp();
    while (true) {
      if (is_char("!")) {
        ++p_;
        need_expr(v);
        if (is_a<numeric>(v.expr)) {
          const numeric& n = ex_to<numeric>(v.expr);
          if (!n.is_nonneg_integer()) throw ParseError("factorial of a non-natural number");
          if (n > 5000) {
            v = expr_value(refuse_too_large("factorial too large"));
            continue;
          }
        }
        v = expr_value(GiNaC::factorial(v.expr), v.has_float);
        continue;
      }
      if (is_char("'")) throw ParseError("prime");
      break;
    }
    return v;
  }

  MathValue parse_exp() {
    bool e_letter = peek().type == TT::Letter && (peek().text == "e") && is_char("^", 1);
    MathValue base = parse_comp();
    while (is_char("^")) {
      ++p_;
      if (is_cmd("circ")) { ++p_; continue; }  // degrees: ignored (convert_degrees=False)
      if (is_char("{") && peek(1).type == TT::Command && peek(1).text == "circ" && is_char("}", 2)) {
        p_ += 3;
        continue;
      }
      MathValue exponent = parse_sup_arg();
      need_expr(base);
      need_expr(exponent);
      if (base.kind == MathValue::Kind::Matrix) throw ParseError("matrix power");
      bool fl = base.has_float || exponent.has_float;
      if (e_letter) {
        base = expr_value(GiNaC::exp(exponent.expr), fl);
        e_letter = false;
      } else {
        MathValue powered = expr_value(guarded_pow(base.expr, exponent.expr), fl);
        mark_identity_op(powered, base, exponent);
        base = std::move(powered);
      }
    }
    return base;
  }

  MathValue parse_sup_arg() {
    if (is_char("{")) {
      ++p_;
      MathValue v = parse_additive_relation_free();
      expect_char("}");
      return v;
    }
    if (is_char("-")) {  // x^-1
      ++p_;
      return negate(parse_sup_arg());
    }
    const Tok& k = peek();
    if (k.type == TT::Number) {
      ++p_;
      return number_value(k.text);
    }
    return parse_comp();
  }

  MathValue parse_additive_relation_free() { return parse_additive(); }

  MathValue parse_group(const std::string& close) {
    ++p_;
    MathValue v = parse_additive();
    expect_char(close);
    return v;
  }

  std::string raw_subscript() {
    // The subscript's text: x_1, x_{10}, a_{n+1}.
    if (!is_char("_")) return "";
    ++p_;
    if (is_char("{")) {
      ++p_;
      std::string s;
      int depth = 1;
      while (peek().type != TT::End) {
        if (is_char("{")) ++depth;
        if (is_char("}") && --depth == 0) break;
        s += peek().type == TT::Command ? "\\" + peek().text : peek().text;
        ++p_;
      }
      expect_char("}");
      return s;
    }
    const Tok& k = peek();
    if (k.type != TT::Letter && k.type != TT::Number && k.type != TT::Command)
      throw ParseError("bad subscript");
    ++p_;
    return k.type == TT::Command ? "\\" + k.text : k.text;
  }

  MathValue symbol_value(std::string name) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "pi") return expr_value(GiNaC::Pi);
    if (name == "gamma") return expr_value(GiNaC::Euler);
    MathValue v = expr_value(symbol_named(name, real_));
    v.symbol_name = name;
    return v;
  }

  MathValue parse_comp() {
    check_deadline();
    const Tok k = peek();
    switch (k.type) {
      case TT::Number: {
        ++p_;
        MathValue v = number_value(k.text);
        if (is_char("_")) {
          // Base subscripts are ignored: 52_8 = 52; in 52_8\% the lexer's PERCENT_NUMBER
          // token is the subscript "8\%", so the percent goes with it.
          bool braced = is_char("{", 1);
          raw_subscript();
          if (!braced && (is_cmd("%") || is_char("%"))) ++p_;
          return v;
        }
        if (is_cmd("%") || is_char("%")) {
          ++p_;
          MathValue pct = expr_value(v.expr / 100, v.has_float);
          pct.is_percent = true;
          pct.number = v.number;  // X·(1/100) of an atomic X counts as atomic
          return pct;
        }
        return v;
      }
      case TT::Letter: {
        ++p_;
        if (k.text == "I" && !is_char("_")) return expr_value(GiNaC::I);
        if (k.text == "e") {  // not a LETTER in PS.g4: the constant E
          if (is_char("_")) throw ParseError("e takes no subscript");
          MathValue e = expr_value(GiNaC::exp(ex(1)));
          e.is_e_letter = true;
          return e;
        }
        std::string sub = raw_subscript();
        std::string name = k.text;
        if (!sub.empty()) name += sub.size() > 1 ? "_{" + sub + "}" : "_" + sub;
        return symbol_value(name);
      }
      case TT::Text: {
        ++p_;
        if (k.command == "operatorname") return parse_function(k.text);
        if (k.command == "mathbb") {
          if (k.text == "R") {
            MathValue r;
            r.kind = MathValue::Kind::Interval;
            r.left_open = r.right_open = true;
            r.items = {share(expr_value(-infinity_symbol())), share(expr_value(infinity_symbol()))};
            return r;
          }
          throw ParseError("unsupported number set");
        }
        std::string name;
        for (char c : k.text)
          if (c != ' ' && c != '(' && c != ')' && c != '~') name += c;
        if (name.empty()) throw ParseError("empty text");
        if (name.size() > 1 && name[0] == '\\') name = name.substr(1);  // \text{\pi} is pi
        return symbol_value(name);
      }
      case TT::Char: {
        if (k.text == "(") return parse_group(")");
        if (k.text == "[") return parse_group("]");
        if (k.text == "{") {
          ++p_;
          MathValue v = parse_relation();
          expect_char("}");
          return v;
        }
        if (k.text == "|") {
          ++p_;
          ++abs_depth_;
          MathValue v = parse_additive();
          --abs_depth_;
          expect_char("|");
          need_expr(v);
          return expr_value(GiNaC::abs(v.expr), v.has_float);
        }
        throw ParseError("unexpected " + k.text);
      }
      case TT::Command: return parse_command();
      default: throw ParseError("unexpected end");
    }
  }

  MathValue parse_braced() {
    if (is_char("{")) {
      ++p_;
      MathValue v = parse_additive();
      expect_char("}");
      return v;
    }
    // \frac12 style single-token arguments
    const Tok& k = peek();
    if (k.type == TT::Number) {
      ++p_;
      return number_value(k.text.substr(0, 1)) ;
    }
    return parse_comp();
  }

  MathValue parse_command() {
    const std::string name = peek().text;
    ++p_;
    if (name == "frac" || name == "dfrac" || name == "tfrac" || name == "cfrac") {
      MathValue num = parse_frac_arg();
      MathValue den = parse_frac_arg();
      return combine(num, den, '/');
    }
    if (name == "binom" || name == "dbinom" || name == "tbinom") {
      MathValue n = parse_braced(), k = parse_braced();
      need_expr(n);
      need_expr(k);
      if (is_a<numeric>(n.expr) && ex_to<numeric>(n.expr) > 100000)
        return expr_value(refuse_too_large("binomial too large"));
      return expr_value(GiNaC::binomial(n.expr, k.expr));
    }
    if (name == "sqrt") {
      ex root = 2;
      bool fl = false;
      if (is_char("[")) {
        ++p_;
        MathValue r = parse_additive();
        expect_char("]");
        need_expr(r);
        root = r.expr;
        fl = r.has_float;
      }
      MathValue arg = parse_braced();
      need_expr(arg);
      return expr_value(guarded_pow(arg.expr, 1 / root), fl || arg.has_float);
    }
    if (name == "pi") return expr_value(GiNaC::Pi);
    if (name == "infty" || name == "infin") return expr_value(infinity_symbol());
    if (name == "circ") throw ParseError("stray \\circ");
    if (name == "lfloor" || name == "lceil") {
      MathValue v = parse_additive();
      if (!is_cmd(name == "lfloor" ? "rfloor" : "rceil")) throw ParseError("unclosed floor");
      ++p_;
      need_expr(v);
      if (!is_a<numeric>(v.expr)) throw ParseError("floor of a non-number");
      const numeric& n = ex_to<numeric>(v.expr);
      numeric f = GiNaC::iquo(n.numer(), n.denom());
      if (n.is_negative() && !n.is_integer()) f -= 1;
      if (name == "lceil" && !n.is_integer()) f += 1;
      MathValue r = expr_value(f);
      return r;
    }
    if (name == "begin") return parse_matrix();
    if (name == "{") throw ParseError("set inside an expression");
    static const char* kFunctions[] = {"sin", "cos", "tan", "csc", "sec", "cot", "arcsin",
                                       "arccos", "arctan", "sinh", "cosh", "tanh", "log",
                                       "ln", "exp", "lg"};
    for (const char* f : kFunctions)
      if (name == f) return parse_function(name);
    // Greek letters and other symbol commands.
    static const char* kGreek[] = {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
        "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "rho", "sigma",
        "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
        "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"};
    for (const char* g : kGreek) {
      if (name == g) {
        std::string sub = raw_subscript();
        std::string full = name;
        if (!sub.empty()) full += sub.size() > 1 ? "_{" + sub + "}" : "_" + sub;
        return symbol_value(full);
      }
    }
    throw ParseError("unsupported command \\" + name);
  }

  MathValue parse_frac_arg() {
    if (is_char("{")) {
      ++p_;
      MathValue v = parse_additive();
      expect_char("}");
      return v;
    }
    const Tok k = peek();
    if (k.type == TT::Number) {  // \frac12: one digit per argument
      if (k.text.size() == 1) { ++p_; return number_value(k.text); }
      t_[p_].text = k.text.substr(1);
      return number_value(k.text.substr(0, 1));
    }
    return parse_comp();
  }

  MathValue parse_function(const std::string& name) {
    MathValue power;
    bool has_power = false;
    ex base = 0;
    bool has_base = false;
    for (int round = 0; round < 2; ++round) {
      if (is_char("^")) {
        ++p_;
        power = parse_sup_arg();
        has_power = true;
      } else if (is_char("_")) {
        ++p_;
        MathValue b = parse_sup_arg();
        need_expr(b);
        base = b.expr;
        has_base = true;
      }
    }
    MathValue arg;
    if (is_char("(")) {
      arg = parse_group(")");
    } else if (is_char("{")) {
      ++p_;
      arg = parse_additive();
      expect_char("}");
    } else {
      // Without parentheses the argument is a product of atoms (\sin 2x), maybe signed.
      bool minus = false;
      while (is_char("-") || is_char("+")) {
        minus ^= is_char("-");
        ++p_;
      }
      std::vector<MathValue> list;
      list.push_back(parse_postfix());
      while (starts_atom() && !starts_function()) list.push_back(parse_postfix());
      arg = multiply_postfix_list(list, 0);
      if (minus) arg = negate(arg);
    }
    need_expr(arg);
    ex a = arg.expr;
    ex r;
    bool inverse = has_power && power.kind == MathValue::Kind::Expr && power.expr.is_equal(-1);
    if (name == "sin") r = inverse ? GiNaC::asin(a) : GiNaC::sin(a);
    else if (name == "cos") r = inverse ? GiNaC::acos(a) : GiNaC::cos(a);
    else if (name == "tan") r = inverse ? GiNaC::atan(a) : GiNaC::tan(a);
    else if (name == "cot") r = inverse ? GiNaC::atan(1 / a) : 1 / GiNaC::tan(a);
    else if (name == "sec") r = inverse ? GiNaC::acos(1 / a) : 1 / GiNaC::cos(a);
    else if (name == "csc") r = inverse ? GiNaC::asin(1 / a) : 1 / GiNaC::sin(a);
    else if (name == "arcsin") r = GiNaC::asin(a);
    else if (name == "arccos") r = GiNaC::acos(a);
    else if (name == "arctan") r = GiNaC::atan(a);
    else if (name == "sinh") r = GiNaC::sinh(a);
    else if (name == "cosh") r = GiNaC::cosh(a);
    else if (name == "tanh") r = GiNaC::tanh(a);
    else if (name == "exp") r = GiNaC::exp(a);
    else if (name == "ln") r = has_base ? GiNaC::log(a) / GiNaC::log(base) : GiNaC::log(a);
    else if (name == "log" || name == "lg")
      r = GiNaC::log(a) / GiNaC::log(has_base ? base : ex(10));
    else {
      // An unknown function: a symbol standing for f(arg), as math-verify's unwrap_fcs.
      std::ostringstream os;
      os << name << "_" << a;
      r = symbol_named(os.str(), real_);
    }
    if (has_power && !inverse) {
      need_expr(power);
      r = guarded_pow(r, power.expr);
    }
    return expr_value(r, arg.has_float);
  }

  bool starts_function() const {
    if (peek().type != TT::Command) return false;
    static const char* kFunctions[] = {"sin", "cos", "tan", "csc", "sec", "cot", "log", "ln", "exp"};
    for (const char* f : kFunctions)
      if (peek().text == f) return true;
    return false;
  }

  MathValue parse_matrix() {
    expect_char("{");
    std::string env;
    while (peek().type == TT::Letter) { env += peek().text; ++p_; }
    expect_char("}");
    if (env != "pmatrix" && env != "bmatrix" && env != "matrix" && env != "Bmatrix" &&
        env != "vmatrix" && env != "smallmatrix" && env != "array")
      throw ParseError("unsupported environment " + env);
    if (env == "array" && is_char("{")) {  // column spec
      while (!is_char("}") && peek().type != TT::End) ++p_;
      expect_char("}");
    }
    MathValue m;
    m.kind = MathValue::Kind::Matrix;
    std::vector<MathValue> row;
    auto end_row = [&]() {
      if (row.empty()) return;
      if (m.rows == 0) m.cols = static_cast<int>(row.size());
      else if (m.cols != static_cast<int>(row.size())) throw ParseError("ragged matrix");
      for (auto& v : row) m.items.push_back(share(std::move(v)));
      ++m.rows;
      row.clear();
    };
    while (true) {
      if (is_cmd("end")) break;
      if (peek().type == TT::End) throw ParseError("unclosed matrix");
      MathValue v = parse_additive();
      need_expr(v);
      row.push_back(std::move(v));
      if (is_char("&")) { ++p_; continue; }
      if (is_cmd("\\")) { ++p_; end_row(); continue; }
    }
    end_row();
    ++p_;
    expect_char("{");
    while (peek().type == TT::Letter) ++p_;
    expect_char("}");
    if (m.rows == 0) throw ParseError("empty matrix");
    if (env == "vmatrix") throw ParseError("determinant not supported");
    return m;
  }
};

// latex2sympy2_extended: "333,333" style text is a number, not a set.
bool is_comma_number(const std::string& s) {
  static const std::regex re(R"(^\s*-?\d{1,3}(,\d{3})+(\.\d+)?\s*$)");
  return std::regex_match(s, re);
}

// math-verify's should_treat_as_complex markers.
bool has_complex_marker(const std::string& s) {
  static const std::regex re(
      R"(\\mathbb\{C\}|\\i\b|\bi\b|\\text\{i\}|\\mathrm\{i\}|\\imath\b|\\det|\\operatorname\{tr\}|\\operatorname\{rank\}|\\text\{rank\}|\\arg\{|\\Re\{|\\Im\{|\\operatorname\{Re\}|\\operatorname\{Im\}|\\text\{Re\}|\\text\{Im\})");
  return std::regex_search(s, re);
}

}  // namespace

MathValuePtr convert_latex(const std::string& latex) {
  if (is_comma_number(latex)) {
    std::string digits;
    bool neg = false;
    for (char c : latex) {
      if (c == '-') neg = true;
      else if (c != ',' && c != ' ' && c != '\t' && c != '\n') digits += c;
    }
    // "0,150" is a decimal comma (latex2sympy2_extended's convert_number)
    size_t first = latex.find_first_not_of(" \t\n-");
    if (first != std::string::npos && latex[first] == '0') {
      std::string d = latex.substr(first);
      while (!d.empty() && (d.back() == ' ' || d.back() == '\t' || d.back() == '\n')) d.pop_back();
      for (auto& c : d)
        if (c == ',') c = '.';
      if (std::count(d.begin(), d.end(), '.') == 1) digits = d;
      else throw std::runtime_error("not a number");  // SymPy cannot read "0.150.000"
    }
    MathValue v = number_value(digits);
    if (neg) v.expr = -v.expr;
    return make_value(std::move(v));
  }
  LatexParser parser(tokenize_latex(latex), !has_complex_marker(latex));
  MathValue v = parser.parse_math();
  return make_value(std::move(v));
}

// Used by the parser for the empty-interval rule and by set sorting.
bool try_real_value(const GiNaC::ex& e, double& out) {
  using namespace GiNaC;
  if (e.has(infinity_symbol())) {
    if (e.is_equal(infinity_symbol())) { out = HUGE_VAL; return true; }
    if (e.is_equal(-infinity_symbol())) { out = -HUGE_VAL; return true; }
    return false;
  }
  ex v = evalf(e);
  if (!is_a<numeric>(v)) return false;
  const numeric& n = ex_to<numeric>(v);
  if (!n.is_real()) return false;
  out = n.to_double();
  return true;
}

}  // namespace harness::benches::math500
