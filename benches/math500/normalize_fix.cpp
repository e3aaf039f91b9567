#include "benches/math500/normalize_fix.h"

#include <optional>
#include <utility>
#include <vector>

#include "benches/common/py_regex.h"
#include "benches/common/unicode.h"
#include "benches/math500/extract.h"

namespace harness::benches::math500 {
namespace {

using U32 = std::u32string;

// Python str.split(sep) on code points (sep non-empty).
std::vector<U32> split_on(const U32& s, const U32& sep) {
  std::vector<U32> parts;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(sep, pos)) != U32::npos; pos = hit + sep.size()) {
    parts.push_back(s.substr(pos, hit - pos));
  }
  parts.push_back(s.substr(pos));
  return parts;
}

U32 lstrip(const U32& s) {
  size_t i = 0;
  while (i < s.size() && py::is_space(s[i])) ++i;
  return s.substr(i);
}

U32 strip(const U32& s) {
  size_t b = 0, e = s.size();
  while (b < e && py::is_space(s[b])) ++b;
  while (e > b && py::is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// What "{}".format(int(s)) gives back unchanged: an ASCII integer without "+", spaces,
// underscores or leading zeros.
bool is_canonical_int(const U32& s) {
  size_t i = (!s.empty() && s[0] == U'-') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < U'0' || s[j] > U'9') return false;
  }
  if (s[i] == U'0') return s.size() == 1;  // "0" yes; "-0", "01" no
  return true;
}

}  // namespace

std::string fix_sqrt(std::string_view text) {
  U32 t = py::decode_utf8(text);
  const U32 sqrt = U"\\sqrt";
  if (t.find(sqrt) == U32::npos) return std::string(text);
  std::vector<U32> splits = split_on(t, sqrt);
  U32 out = splits[0];
  for (size_t i = 1; i < splits.size(); ++i) {
    U32 s = lstrip(splits[i]);
    if (!s.empty() && s[0] != U'{' && s[0] != U'[') {
      out += sqrt + U"{" + s[0] + U"}" + s.substr(1);
    } else {
      out += sqrt + s;
    }
  }
  return py::encode_utf8(out);
}

std::string fix_fracs(std::string_view text) {
  U32 t = py::decode_utf8(text);
  const U32 frac = U"\\frac";
  std::vector<U32> substrs = split_on(t, frac);
  U32 out = substrs[0];
  for (size_t i = 1; i < substrs.size(); ++i) {
    U32 s = lstrip(substrs[i]);
    out += frac;
    if (!s.empty() && s[0] == U'{') {
      out += s;
    } else if (s.size() < 2) {
      return std::string(text);
    } else if (s[1] != U'{') {
      out += U"{" + U32(1, s[0]) + U"}{" + s[1] + U"}" + s.substr(2);
    } else {
      out += U"{" + U32(1, s[0]) + U"}" + s.substr(1);
    }
  }
  return py::encode_utf8(out);
}

std::string fix_a_slash_b(std::string_view text) {
  U32 t = py::decode_utf8(text);
  std::vector<U32> parts = split_on(t, U"/");
  if (parts.size() != 2 || !is_canonical_int(parts[0]) || !is_canonical_int(parts[1])) {
    return std::string(text);
  }
  return py::encode_utf8(U"\\frac{" + parts[0] + U"}{" + parts[1] + U"}");
}

namespace {

// Index of the "}" closing the "{" at `open`, looking only before `limit`.
std::optional<size_t> closing_brace(const U32& t, size_t open, size_t limit) {
  int depth = 1;
  for (size_t i = open + 1; i < limit; ++i) {
    if (t[i] == U'{') ++depth;
    if (t[i] == U'}' && --depth == 0) return i;
  }
  return std::nullopt;
}

// rfind of `needle` wholly inside [0, end).
std::optional<size_t> rfind_before(const U32& t, const U32& needle, size_t end) {
  if (end < needle.size()) return std::nullopt;
  size_t hit = t.rfind(needle, end - needle.size());
  if (hit == U32::npos) return std::nullopt;
  return hit;
}

bool has_separator(const U32& between) {
  for (char32_t c : between) {
    if (c == U',' || c == U';') return true;
  }
  // \b(and|or)\b with Python's Unicode word characters.
  std::string s = py::encode_utf8(between);
  return py::search(R"(\b(and|or)\b)", s).has_value();
}

// In "last" mode a box is kept with the one after it when they are close, or when they
// differ and a separator stands between them.
bool keep_preceding_box(const U32& t, const U32& content, const U32& next_content,
                        size_t content_end, size_t next_start) {
  U32 between = content_end + 1 <= next_start ? t.substr(content_end + 1, next_start - content_end - 1)
                                              : U32();
  if (between.size() < 10) return true;
  return next_content != content && between.size() < 70 && has_separator(between);
}

}  // namespace

std::string extract_boxed_content(std::string_view text, BoxedMode mode) {
  const U32 t = py::decode_utf8(text);
  std::vector<U32> results;
  size_t current = t.size(), max_pos = t.size();
  std::optional<size_t> last_box_start;
  // The last hit of each command stays valid while it lies wholly before `current`; finding
  // it again on every step would make a text of many boxes quadratic.
  auto boxed = rfind_before(t, U"\\boxed", current);
  auto fbox = rfind_before(t, U"\\fbox", current);
  while (true) {
    if (boxed && *boxed + 6 > current) boxed = rfind_before(t, U"\\boxed", current);
    if (fbox && *fbox + 5 > current) fbox = rfind_before(t, U"\\fbox", current);
    if (!boxed && !fbox) break;
    bool is_boxed = boxed && (!fbox || *boxed > *fbox);
    size_t start = is_boxed ? *boxed : *fbox;
    size_t brace = start + (is_boxed ? 6 : 5);
    while (brace < max_pos && py::is_space(t[brace])) ++brace;
    if (brace >= max_pos) break;
    if (t[brace] != U'{') {
      if (results.empty()) results.push_back(t.substr(brace));
      break;
    }
    auto close = closing_brace(t, brace, max_pos);
    if (!close) {
      if (results.empty()) results.push_back(t.substr(brace));
      break;
    }
    U32 content = strip(t.substr(brace + 1, *close - brace - 1));
    if (mode == BoxedMode::Last && last_box_start &&
        !keep_preceding_box(t, content, results.empty() ? U32() : results.back(), *close,
                            *last_box_start)) {
      break;
    }
    if (results.empty() || results.back() != content) results.push_back(content);
    last_box_start = start;
    max_pos = start;
    current = start;
  }
  if (results.empty()) return std::string(text);
  U32 joined;
  for (size_t i = results.size(); i-- > 0;) {
    if (i + 1 != results.size()) joined += U",";
    joined += results[i];
  }
  return py::encode_utf8(joined);
}

}  // namespace harness::benches::math500
