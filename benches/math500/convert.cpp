// convert_candidate(): one answer candidate → MathValue, as math-verify's extract_latex /
// extract_expr do (parser.py), plus the plain-expression reader of the Expr target.
#include <regex>
#include <stdexcept>

#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

namespace {

using GiNaC::ex;

// An Opaque value stands for an answer whose evaluation we refuse (AlgebraTooLarge):
// SymPy would hold it unevaluated and compare it structurally, so only the same text
// equals it.
MathValuePtr opaque(const std::string& text) {
  MathValue v;
  v.kind = MathValue::Kind::Opaque;
  v.text = text;
  return make_value(std::move(v));
}

// math-verify's get_last_eq: the part after the last "=" (not \=, <=, != or >=), used only
// when there are 2+ such "=" and no "," or ";".
std::string last_equation_part(const std::string& s) {
  if (s.find(',') != std::string::npos || s.find(';') != std::string::npos) return s;
  std::vector<size_t> cuts;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') continue;
    if (i > 0 && (s[i - 1] == '\\' || s[i - 1] == '<' || s[i - 1] == '!' || s[i - 1] == '>'))
      continue;
    cuts.push_back(i);
  }
  if (cuts.size() < 2) return s;
  return s.substr(cuts.back() + 1);
}

MathValuePtr percent_of(const MathValuePtr& v) {
  if (!v || v->kind != MathValue::Kind::Expr) throw std::runtime_error("percent of a non-expression");
  MathValue p;
  p.kind = MathValue::Kind::Expr;
  p.expr = v->expr / 100;
  p.has_float = v->has_float;
  p.is_percent = true;
  p.number = v->number;  // X·(1/100) of an atomic X is atomic for math-verify
  return make_value(std::move(p));
}

// ---- plain expressions (SymPy parse_expr, evaluate=False) ---------------------------

class PlainParser {
 public:
  explicit PlainParser(const std::string& s) : s_(s) {}
  MathValue parse() {
    MathValue v = additive();
    skip();
    if (i_ != s_.size()) throw std::runtime_error("trailing input");
    return v;
  }

 private:
  const std::string& s_;
  size_t i_ = 0;

  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool eat(const std::string& op) {
    skip();
    if (s_.compare(i_, op.size(), op) == 0) {
      i_ += op.size();
      return true;
    }
    return false;
  }
  static MathValue value(ex e, bool fl) {
    MathValue v;
    v.expr = std::move(e);
    v.has_float = fl;
    return v;
  }
  MathValue additive() {
    MathValue l = term();
    while (true) {
      if (eat("+")) { MathValue r = term(); l = value(l.expr + r.expr, l.has_float || r.has_float); }
      else if (eat("-")) { MathValue r = term(); l = value(l.expr - r.expr, l.has_float || r.has_float); }
      else return l;
    }
  }
  MathValue term() {
    MathValue l = unary();
    while (true) {
      check_deadline();
      skip();
      if (s_.compare(i_, 2, "**") == 0) return l;  // handled in power()
      if (eat("*") || eat("\u00d7")) { MathValue r = unary(); l = value(l.expr * r.expr, l.has_float || r.has_float); }
      else if (eat("/") || eat("\u00f7")) {
        MathValue r = unary();
        if (r.expr.is_zero()) throw std::runtime_error("division by zero");
        l = value(l.expr / r.expr, l.has_float || r.has_float);
      } else return l;
    }
  }
  MathValue unary() {
    if (eat("-")) {
      MathValue v = unary();
      MathValue r = value(-v.expr, v.has_float);
      r.number = v.number;
      return r;
    }
    if (eat("+")) return unary();
    return power();
  }
  MathValue power() {
    MathValue base = atom();
    if (eat("**") || eat("^")) {
      MathValue e = unary();  // right-associative, binds tighter than unary minus on the left
      return value(guarded_pow(base.expr, e.expr), base.has_float || e.has_float);
    }
    return base;
  }
  MathValue atom() {
    skip();
    if (eat("(")) {
      MathValue v = additive();
      if (!eat(")")) throw std::runtime_error("unclosed parenthesis");
      return v;
    }
    size_t start = i_;
    while (i_ < s_.size() && (isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) ++i_;
    if (i_ > start) {
      std::string t = s_.substr(start, i_ - start);
      if (std::count(t.begin(), t.end(), '.') > 1) throw std::runtime_error("bad number");
      return number(t);
    }
    while (i_ < s_.size() && (isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) ++i_;
    if (i_ > start) {
      MathValue v = value(symbol_named(s_.substr(start, i_ - start), false), false);
      v.symbol_name = s_.substr(start, i_ - start);
      return v;
    }
    throw std::runtime_error("unexpected character in expression");
  }

 public:
  static MathValue number(std::string t) {
    if (t.front() == '.') t = "0" + t;
    if (t.back() == '.') t += "0";
    size_t dot = t.find('.');
    MathValue v;
    if (dot == std::string::npos) {
      size_t nz = t.find_first_not_of('0');
      v = value(GiNaC::numeric((nz == std::string::npos ? std::string("0") : t.substr(nz)).c_str()), false);
      v.number = NumberKind::Integer;
      return v;
    }
    std::string digits = t.substr(0, dot) + t.substr(dot + 1);
    size_t nz = digits.find_first_not_of('0');
    GiNaC::numeric num((nz == std::string::npos ? std::string("0") : digits.substr(nz)).c_str());
    GiNaC::numeric den = GiNaC::pow(GiNaC::numeric(10), GiNaC::numeric(static_cast<long>(t.size() - dot - 1)));
    v = value(num / den, true);
    v.number = NumberKind::Float;
    return v;
  }
};

}  // namespace

// convert_latex, with a refused (too large) value as Opaque when the text does parse.
MathValuePtr convert_or_refuse(const std::string& latex) {
  try {
    return convert_latex(latex);
  } catch (const AlgebraTooLarge&) {
  }
  SyntaxOnlyScope syntax_only;
  convert_latex(latex);  // throws when the text does not parse at all
  return opaque(latex);
}

MathValuePtr convert_latex_with_retry(const std::string& latex) {
  try {
    return convert_or_refuse(latex);
  } catch (const AlgebraTimeout&) {
    throw;
  } catch (const std::exception&) {
  }
  std::string last = last_equation_part(latex);
  if (last == latex) return nullptr;
  try {
    return convert_or_refuse(last);
  } catch (const AlgebraTimeout&) {
    throw;
  } catch (const std::exception&) {
  }
  return nullptr;
}

MathValuePtr convert_plain(const std::string& text) {
  static const std::regex number_re(R"(^-?[0-9]+(\.[0-9]+)?%?$)");
  try {
    if (std::regex_match(text, number_re)) {
      bool pct = text.back() == '%';
      std::string t = pct ? text.substr(0, text.size() - 1) : text;
      bool neg = t.front() == '-';
      MathValue v = PlainParser::number(neg ? t.substr(1) : t);
      if (neg) v.expr = -v.expr;
      MathValuePtr p = make_value(std::move(v));
      return pct ? percent_of(p) : p;
    }
    std::string s = text;
    for (auto& c : s)
      if (c == '\n' || c == '\r') c = ' ';
    try {
      PlainParser parser(s);
      MathValue v = parser.parse();
      v.kind = MathValue::Kind::Expr;
      return make_value(std::move(v));
    } catch (const AlgebraTooLarge&) {
    }
    SyntaxOnlyScope syntax_only;
    PlainParser(s).parse();  // throws when it does not parse at all
    return opaque(text);
  } catch (const AlgebraTimeout&) {
    throw;
  } catch (const std::exception&) {
    return nullptr;
  }
}

MathValuePtr convert_candidate(const AnswerCandidate& c) {
  auto lock = algebra_lock();
  if (c.kind == CandidateKind::Expr) return convert_plain(c.text);
  if (c.parts.empty()) return convert_latex_with_retry(c.text);
  std::vector<MathValuePtr> values;
  for (const auto& part : c.parts) {
    MathValuePtr v = convert_latex_with_retry(part.text);
    if (v && part.percent) {
      try {
        v = percent_of(v);
      } catch (const std::exception&) {
        v = nullptr;
      }
    }
    values.push_back(v);
  }
  if (values.size() == 1) return values[0];
  for (const auto& v : values)
    if (!v) return values[0];  // math-verify then keeps the first part's value (maybe none)
  MathValue set;
  set.kind = MathValue::Kind::Set;
  // FiniteSet(*elements) drops structural duplicates ("15\frac{3}{8} or \frac{123}{8}").
  auto add = [&set](const MathValuePtr& item) {
    if (item->kind == MathValue::Kind::Expr && !item->has_float)
      for (const auto& have : set.items)
        if (have->kind == MathValue::Kind::Expr && !have->has_float && have->expr.is_equal(item->expr))
          return;
    set.items.push_back(item);
  };
  for (const auto& v : values) {
    if (v->kind == MathValue::Kind::Set) for (const auto& item : v->items) add(item);
    else add(v);
  }
  return make_value(std::move(set));
}

}  // namespace harness::benches::math500
