// values_equal(): math-verify 0.8.0's sympy_expr_eq (benches.md §3.2 steps 1-7), in its
// order; step 7 on expressions is exprs_equal() (equal_numbers.cpp).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

namespace {

using GiNaC::ex;
using K = MathValue::Kind;

bool expr_eq(const MathValue& g, const MathValue& p);

bool is_relation(const MathValue& v) { return v.kind == K::Relation || v.kind == K::And; }

bool is_set_like(const MathValue& v) {  // SymPy Set or Tuple
  return v.kind == K::Set || v.kind == K::Tuple || v.kind == K::Interval ||
         v.kind == K::Union || v.kind == K::EmptySet;
}

// latex2sympy2_extended's is_expr_of_only_symbols: every leaf a Symbol (x⁻¹ allowed).
bool only_symbols(const ex& e) {
  if (GiNaC::is_a<GiNaC::symbol>(e)) return !e.is_equal(infinity_symbol());
  if (GiNaC::is_a<GiNaC::power>(e))
    return e.op(1).is_equal(-1) && only_symbols(e.op(0));
  if (GiNaC::is_a<GiNaC::add>(e) || GiNaC::is_a<GiNaC::mul>(e)) {
    for (size_t i = 0; i < e.nops(); ++i)
      if (!only_symbols(e.op(i))) return false;
    return true;
  }
  return false;
}

const MathValue& first_relation(const MathValue& v) { return v.kind == K::And ? *v.items.front() : v; }
const MathValue& last_relation(const MathValue& v) { return v.kind == K::And ? *v.items.back() : v; }

bool is_equation(const MathValue& v) {
  if (v.kind == K::Relation) return v.op == RelOp::Eq;
  if (v.kind == K::And)
    return std::all_of(v.items.begin(), v.items.end(),
                       [](const MathValuePtr& r) { return r->kind == K::Relation && r->op == RelOp::Eq; });
  return false;
}

bool is_assignment(const MathValue& v) {
  if (!is_equation(v)) return false;
  const MathValue& lhs = *first_relation(v).items[0];
  return lhs.kind == K::Expr && only_symbols(lhs.expr);
}

MathValue difference(const MathValue& a, const MathValue& b) {
  if (a.kind != K::Expr || b.kind != K::Expr) throw std::runtime_error("relation of sets");
  MathValue d;
  d.expr = a.expr - b.expr;
  d.has_float = a.has_float || b.has_float;
  return d;
}

// ---- step 2: a relation in one variable as a set --------------------------------------

bool relation_as_interval(const MathValue& rel, const ex& var, ex& lo, ex& hi, bool& lo_open,
                          bool& hi_open, bool& point) {
  const MathValue& l = *rel.items[0];
  const MathValue& r = *rel.items[1];
  if (l.kind != K::Expr || r.kind != K::Expr) return false;
  bool var_left = l.expr.is_equal(var);
  if (!var_left && !r.expr.is_equal(var)) return false;
  const ex& other = var_left ? r.expr : l.expr;
  RelOp op = rel.op;
  if (!var_left) {  // a < x  ⇔  x > a
    if (op == RelOp::Lt) op = RelOp::Gt;
    else if (op == RelOp::Gt) op = RelOp::Lt;
    else if (op == RelOp::Le) op = RelOp::Ge;
    else if (op == RelOp::Ge) op = RelOp::Le;
  }
  switch (op) {
    case RelOp::Eq: lo = hi = other; point = true; return true;
    case RelOp::Lt: hi = other; hi_open = true; return true;
    case RelOp::Le: hi = other; hi_open = false; return true;
    case RelOp::Gt: lo = other; lo_open = true; return true;
    case RelOp::Ge: lo = other; lo_open = false; return true;
    default: return false;
  }
}

// gold.as_set() for "x < a", "a ≤ x < b", "x = a"; false when it is not of that shape.
bool relation_as_set(const MathValue& g, MathValuePtr& out) {
  std::vector<const MathValue*> rels;
  if (g.kind == K::And) for (const auto& r : g.items) rels.push_back(r.get());
  else rels.push_back(&g);
  ex var;
  bool found = false;
  for (const auto* r : rels)
    for (const auto& side : r->items)
      if (side->kind == K::Expr && GiNaC::is_a<GiNaC::symbol>(side->expr) && !found) {
        var = side->expr;
        found = true;
      }
  if (!found) return false;
  ex lo = -infinity_symbol(), hi = infinity_symbol();
  bool lo_open = true, hi_open = true, point = false;
  for (const auto* r : rels)
    if (!relation_as_interval(*r, var, lo, hi, lo_open, hi_open, point)) return false;
  MathValue s;
  auto expr_of = [](const ex& e) {
    MathValue v;
    v.expr = e;
    return make_value(std::move(v));
  };
  if (point) {
    s.kind = K::Set;
    s.items = {expr_of(lo)};
  } else {
    s.kind = K::Interval;
    s.left_open = lo_open;
    s.right_open = hi_open;
    s.items = {expr_of(lo), expr_of(hi)};
  }
  out = make_value(std::move(s));
  return true;
}

// ---- step 3: structural equality --------------------------------------------------------

bool structurally_equal(const MathValue& a, const MathValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case K::Expr:
      if (a.kept_identity_op != b.kept_identity_op) return false;
      // A SymPy Symbol equals only a Symbol: x ≠ 2(x)/2, which SymPy keeps unevaluated.
      if (a.symbol_name.empty() != b.symbol_name.empty()) return false;
      return a.expr.is_equal(b.expr);
    case K::Opaque: return a.text == b.text;
    case K::EmptySet: return true;
    case K::Relation:
      return a.op == b.op && structurally_equal(*a.items[0], *b.items[0]) &&
             structurally_equal(*a.items[1], *b.items[1]);
    case K::Interval:
      if (a.left_open != b.left_open || a.right_open != b.right_open) return false;
      [[fallthrough]];
    case K::And: case K::Tuple: case K::Matrix: case K::Union:
      if (a.items.size() != b.items.size() || a.rows != b.rows || a.cols != b.cols) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!structurally_equal(*a.items[i], *b.items[i])) return false;
      return true;
    case K::Set: {
      if (a.items.size() != b.items.size()) return false;
      for (const auto& x : a.items) {
        bool any = false;
        for (const auto& y : b.items)
          if (structurally_equal(*x, *y)) { any = true; break; }
        if (!any) return false;
      }
      return true;
    }
  }
  return false;
}

// ---- step 4: relations ----------------------------------------------------------------

bool flipped(RelOp g, RelOp p) {
  return (g == RelOp::Ge && p == RelOp::Le) || (g == RelOp::Le && p == RelOp::Ge) ||
         (g == RelOp::Gt && p == RelOp::Lt) || (g == RelOp::Lt && p == RelOp::Gt) ||
         (g == RelOp::Eq && p == RelOp::Eq);
}

bool relations_equal(const MathValue& g, const MathValue& p) {
  if (g.kind == K::And) {
    // zip(strict=True) raises on different lengths: not equal
    if (p.kind != K::And || g.items.size() != p.items.size()) return false;
    for (size_t i = 0; i < g.items.size(); ++i)
      if (!relations_equal(*g.items[i], *p.items[i])) return false;
    return true;
  }
  if (p.kind != K::Relation) return false;
  MathValue dg, dp;
  try {
    dg = difference(*g.items[0], *g.items[1]);
    dp = difference(*p.items[0], *p.items[1]);
  } catch (const std::runtime_error&) {
    return false;
  }
  if (g.op == p.op && expr_eq(dg, dp)) return true;
  if (flipped(g.op, p.op)) {
    MathValue neg;
    neg.expr = -dp.expr;
    neg.has_float = dp.has_float;
    if (expr_eq(dg, neg)) return true;
  }
  // Equations with the same solutions: lhs−rhs proportional (2x+4y−3=0 ≡ y=−x/2+3/4).
  if (g.op == RelOp::Eq && p.op == RelOp::Eq && !dp.expr.is_zero() && !dg.expr.is_zero()) {
    check_deadline();
    ex ratio = GiNaC::normal(dg.expr / dp.expr);
    if (GiNaC::is_a<GiNaC::numeric>(ratio) && !ratio.is_zero()) return true;
  }
  return false;
}

// ---- step 5: sets, tuples, intervals ------------------------------------------------------

double sort_value(const MathValue& v, std::string& key) {
  const MathValue* x = &v;
  if (is_assignment(v)) x = last_relation(v).items[1].get();
  double d;
  if (x->kind == K::Expr && try_real_value(x->expr, d)) return d;
  std::ostringstream os;
  if (x->kind == K::Expr) os << x->expr;
  key = os.str();
  return HUGE_VAL;
}

std::vector<const MathValue*> sorted_items(const MathValue& s) {
  std::vector<std::pair<std::pair<double, std::string>, const MathValue*>> keyed;
  for (const auto& it : s.items) {
    std::string key;
    double d = sort_value(*it, key);
    keyed.push_back({{d, key}, it.get()});
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const MathValue*> out;
  for (auto& k : keyed) out.push_back(k.second);
  return out;
}

std::vector<const MathValue*> plain_items(const MathValue& s) {
  std::vector<const MathValue*> out;
  for (const auto& it : s.items) out.push_back(it.get());
  return out;
}

bool deep_compare(const MathValue& g, const MathValue& p) {
  if (g.items.size() != p.items.size()) return false;
  std::vector<const MathValue*> ga, pa;
  if (g.kind == K::Set) {
    ga = sorted_items(g);
    pa = sorted_items(p);
  } else if (p.kind == K::Set) {  // gold a Tuple: the pred set in its written order
    ga = plain_items(g);
    pa = plain_items(p);
  } else {
    ga = plain_items(g);
    pa = plain_items(p);
  }
  for (size_t i = 0; i < ga.size(); ++i)
    if (!expr_eq(*ga[i], *pa[i])) return false;
  return true;
}

bool intervals_equal(const MathValue& a, const MathValue& b) {
  return a.left_open == b.left_open && a.right_open == b.right_open &&
         expr_eq(*a.items[0], *b.items[0]) && expr_eq(*a.items[1], *b.items[1]);
}

MathValue as_pair(const MathValue& interval) {
  MathValue t;
  t.kind = K::Tuple;
  t.items = interval.items;
  return t;
}

bool unions_equal(const MathValue& a, const MathValue& b) {
  // SymPy's symmetric difference of unions of intervals: equal pieces after sorting.
  auto pieces = [](const MathValue& u) {
    std::vector<const MathValue*> v;
    if (u.kind == K::Union) for (const auto& it : u.items) v.push_back(it.get());
    else v.push_back(&u);
    std::stable_sort(v.begin(), v.end(), [](const MathValue* x, const MathValue* y) {
      double dx = HUGE_VAL, dy = HUGE_VAL;
      if (!x->items.empty() && x->items[0]->kind == K::Expr) try_real_value(x->items[0]->expr, dx);
      if (!y->items.empty() && y->items[0]->kind == K::Expr) try_real_value(y->items[0]->expr, dy);
      return dx < dy;
    });
    return v;
  };
  auto pa = pieces(a), pb = pieces(b);
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i) {
    if (pa[i]->kind != pb[i]->kind) return false;
    if (pa[i]->kind == K::Interval) {
      if (!intervals_equal(*pa[i], *pb[i])) return false;
    } else if (pa[i]->kind == K::Set) {
      if (!deep_compare(*pa[i], *pb[i])) return false;
    } else {
      return false;
    }
  }
  return true;
}

bool sets_equal(const MathValue& g0, const MathValue& p0) {
  MathValue gs, ps;
  const MathValue* g = &g0;
  const MathValue* p = &p0;
  if (!is_set_like(*g)) {
    gs.kind = K::Set;
    gs.items = {make_value(MathValue(g0))};
    g = &gs;
  }
  if (!is_set_like(*p)) {
    ps.kind = K::Set;
    ps.items = {make_value(MathValue(p0))};
    p = &ps;
  }
  if (g->kind == K::Interval && p->kind == K::Interval) return intervals_equal(*g, *p);
  if (structurally_equal(*g, *p)) return true;
  if (g->kind == K::EmptySet || p->kind == K::EmptySet)
    return (g->kind == K::EmptySet || (g->kind == K::Set && g->items.empty())) &&
           (p->kind == K::EmptySet || (p->kind == K::Set && p->items.empty()));
  if ((g->kind == K::Union || p->kind == K::Union) && g->kind != K::Tuple && p->kind != K::Tuple &&
      unions_equal(*g, *p))
    return true;
  bool g_fin = g->kind == K::Set || g->kind == K::Tuple;
  bool p_fin = p->kind == K::Set || p->kind == K::Tuple;
  if (g_fin && p_fin) return deep_compare(*g, *p);
  if (g->kind == K::Interval && p_fin && g->left_open && g->right_open && p->items.size() == 2)
    return deep_compare(as_pair(*g), *p);
  if (p->kind == K::Interval && g_fin && p->left_open && p->right_open && g->items.size() == 2)
    return deep_compare(*g, as_pair(*p));
  return false;
}

// ---- step 6: symbols ----------------------------------------------------------------------

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_e_constant(const MathValue& v) {
  return v.kind == K::Expr && v.expr.is_equal(GiNaC::exp(ex(1)));
}

bool symbols_equal(const MathValue& g, const MathValue& p) {
  if ((!g.symbol_name.empty() && lower(g.symbol_name) == "e" && is_e_constant(p)) ||
      (!p.symbol_name.empty() && lower(p.symbol_name) == "e" && is_e_constant(g)))
    return true;
  auto concat = [](const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += n;
    return lower(s);
  };
  if (!g.symbol_name.empty() && !p.product_names.empty())
    return lower(g.symbol_name) == concat(p.product_names);
  if (!p.symbol_name.empty() && !g.product_names.empty())
    return lower(p.symbol_name) == concat(g.product_names);
  if (!g.symbol_name.empty() && !p.symbol_name.empty()) {
    std::string a = g.symbol_name.size() > 1 ? lower(g.symbol_name) : g.symbol_name;
    std::string b = p.symbol_name.size() > 1 ? lower(p.symbol_name) : p.symbol_name;
    return a == b;
  }
  // sympy_compare_symbols ends with str(gold) == str(pred): \text{350} is Symbol('350'),
  // equal to the Integer 350; \text{9/256} equals Rational(9, 256). Only atomic integers and
  // rationals print the same in SymPy and GiNaC, and a Symbol name holds no spaces, so
  // nothing else can match.
  const MathValue& sym = g.symbol_name.empty() ? p : g;
  const MathValue& other = g.symbol_name.empty() ? g : p;
  if (other.kind == K::Expr && !other.is_percent && GiNaC::is_a<GiNaC::numeric>(other.expr) &&
      (other.number == NumberKind::Integer || other.number == NumberKind::Rational)) {
    std::ostringstream printed;
    printed << other.expr;
    return printed.str() == sym.symbol_name;
  }
  return false;
}

// ---- step 7 on matrices --------------------------------------------------------------------

bool matrices_equal(const MathValue& g, const MathValue& p) {
  if (g.kind != K::Matrix || p.kind != K::Matrix) return false;
  if (g.rows != p.rows || g.cols != p.cols) return false;
  for (size_t i = 0; i < g.items.size(); ++i)
    if (!exprs_equal(*g.items[i], *p.items[i])) return false;
  return true;
}

bool expr_eq(const MathValue& g0, const MathValue& p0) {
  check_deadline();
  const MathValue* g = &g0;
  const MathValue* p = &p0;
  MathValue g_eq, p_eq;
  MathValuePtr g_set;
  // Step 1: assignments.
  bool ga = is_assignment(*g), pa = is_assignment(*p);
  bool ge = is_equation(*g), pe = is_equation(*p);
  auto truncate = [](const MathValue& src, MathValue& dst) {  // x = a = b → x = b
    dst.kind = K::Relation;
    dst.op = RelOp::Eq;
    dst.items = {first_relation(src).items[0], last_relation(src).items[1]};
  };
  if (ga) { truncate(*g, g_eq); g = &g_eq; }
  if (pa) { truncate(*p, p_eq); p = &p_eq; }
  if (pe && !ge) {
    p = last_relation(*p).items[1].get();
  } else if (ga && !pe) {
    g = last_relation(*g).items[1].get();
  }
  // Step 2: a gold relation against a predicted set.
  if (is_relation(*g) && (p->kind == K::Set || p->kind == K::Interval || p->kind == K::Union ||
                          p->kind == K::EmptySet)) {
    if (relation_as_set(*g, g_set)) g = g_set.get();
  }
  // Step 3: structural equality.
  if (structurally_equal(*g, *p)) return true;
  if (g->kind == K::Opaque || p->kind == K::Opaque) throw AlgebraTimeout();
  // Step 4: relations.
  if (is_relation(*g) && is_relation(*p)) return relations_equal(*g, *p);
  // Step 5: sets, tuples, intervals.
  if (is_set_like(*g) || is_set_like(*p)) return sets_equal(*g, *p);
  // Step 6: symbols.
  if (!g->symbol_name.empty() || !p->symbol_name.empty()) return symbols_equal(*g, *p);
  // Step 7: numbers, expressions, matrices.
  if (g->kind == K::Matrix || p->kind == K::Matrix) return matrices_equal(*g, *p);
  if (g->kind == K::Expr && p->kind == K::Expr) return exprs_equal(*g, *p);
  return false;
}

}  // namespace

bool values_equal(const MathValue& gold, const MathValue& pred) {
  auto lock = algebra_lock();
  try {
    return expr_eq(gold, pred);
  } catch (const AlgebraTimeout&) {
    throw;
  } catch (const std::exception&) {
    return false;  // math-verify: an exception during comparison is "not equal"
  }
}

}  // namespace harness::benches::math500
