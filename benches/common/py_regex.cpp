#include "benches/common/py_regex.h"

#include "benches/common/pcre2_support.h"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <utility>

namespace harness::benches::py {

namespace {

// Python's str.isspace set: \t-\r, \x1c-\x1f, \x85 and the Z categories (PCRE2's UCP \s
// leaves out \x1c-\x1f).
constexpr std::string_view kSpaceSet = "\\t-\\r\\x{1c}-\\x{1f}\\x{85}\\p{Z}";

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

size_t next_cp(std::string_view s, size_t pos) {
  ++pos;
  while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) ++pos;
  return pos;
}

size_t count_cps(std::string_view s, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

std::string translate_pattern(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 16);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[i + 1];
      ++i;
      if (e == 's') {
        out += in_class ? std::string(kSpaceSet) : "[" + std::string(kSpaceSet) + "]";
      } else if (e == 'S' && !in_class) {
        out += "[^" + std::string(kSpaceSet) + "]";
      } else if (e == 'Z' && !in_class) {
        out += "\\z";  // Python's \Z is the absolute end; PCRE2's \Z allows a final \n
      } else if (e == 'u' || e == 'U') {
        size_t digits = e == 'u' ? 4 : 8;
        std::string_view hex = p.substr(i + 1, digits);
        bool ok = hex.size() == digits;
        for (char h : hex) ok = ok && is_hex(h);
        if (ok) {
          out += "\\x{" + std::string(hex) + "}";
          i += digits;
        } else {
          out += '\\';
          out += e;
        }
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];  // a leading ']' is literal
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

struct Regex::Impl {
  pcre2_code* code = nullptr;
  ~Impl() { pcre2_code_free(code); }
};

Regex::Regex(std::string_view pattern, unsigned flags) : impl_(std::make_unique<Impl>()),
                                                         pattern_(pattern) {
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
  if (flags & kIgnoreCase) options |= PCRE2_CASELESS;
  if (flags & kDotAll) options |= PCRE2_DOTALL;
  if (flags & kMultiline) options |= PCRE2_MULTILINE;
  std::string source = translate_pattern(pattern);
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                              options, &err, &err_offset, nullptr);
  if (!impl_->code)
    throw RegexError("invalid regular expression \"" + std::string(pattern) + "\": " +
                     pcre2_error_message(err) + " at offset " + std::to_string(err_offset));
  pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);  // failure just means no JIT
  uint32_t captures = 0;
  pcre2_pattern_info(impl_->code, PCRE2_INFO_CAPTURECOUNT, &captures);
  group_count_ = captures;
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::optional<Match> Regex::run(std::string_view subject, size_t pos, unsigned options,
                                CpCursor* cursor) const {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), pos, options, md, thread_match_context());
  if (rc < 0) {
    pcre2_match_data_free(md);
    if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
    throw RegexError("matching \"" + pattern_ + "\" failed: " + pcre2_error_message(rc));
  }
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  Match m;
  size_t n = group_count_ + 1;
  m.groups.resize(n);
  m.begin.assign(n, kNoPos);
  m.end.assign(n, kNoPos);
  m.cp_begin.assign(n, kNoPos);
  m.cp_end.assign(n, kNoPos);
  for (size_t g = 0; g < n; ++g) {
    if (static_cast<int>(g) >= rc || ov[2 * g] == PCRE2_UNSET) continue;
    m.begin[g] = ov[2 * g];
    m.end[g] = ov[2 * g + 1];
    m.groups[g] = std::string(subject.substr(m.begin[g], m.end[g] - m.begin[g]));
    m.cp_begin[g] = cursor && cursor->byte <= m.begin[g]
                        ? cursor->cp + count_cps(subject, cursor->byte, m.begin[g])
                        : count_cps(subject, 0, m.begin[g]);
    m.cp_end[g] = m.cp_begin[g] + count_cps(subject, m.begin[g], m.end[g]);
  }
  if (cursor) *cursor = {m.begin[0], m.cp_begin[0]};
  pcre2_match_data_free(md);
  return m;
}

std::optional<Match> Regex::search(std::string_view subject, size_t pos) const {
  return run(subject, pos, 0);
}

std::optional<Match> Regex::match(std::string_view subject) const {
  return run(subject, 0, PCRE2_ANCHORED);
}

std::optional<Match> Regex::fullmatch(std::string_view subject) const {
  return run(subject, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
}

std::vector<Match> Regex::finditer(std::string_view subject) const {
  // Python 3.7+: an empty match may follow a non-empty one at the same position, and after
  // an empty match at p the next match may start at p only if it is non-empty.
  std::vector<Match> out;
  size_t pos = 0;
  bool after_empty = false;
  CpCursor cursor;
  while (pos <= subject.size()) {
    auto m = run(subject, pos, after_empty ? (PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED) : 0,
                 &cursor);
    if (!m) {
      if (!after_empty || pos >= subject.size()) break;
      pos = next_cp(subject, pos);
      after_empty = false;
      continue;
    }
    after_empty = m->end[0] == m->begin[0];
    pos = m->end[0];
    out.push_back(std::move(*m));
  }
  return out;
}

std::vector<FindallItem> Regex::findall(std::string_view subject) const {
  std::vector<FindallItem> out;
  for (Match& m : finditer(subject)) {
    FindallItem item;
    if (group_count_ <= 1) {
      item.items.push_back(std::move(m.groups[group_count_]));
    } else {
      for (size_t g = 1; g <= group_count_; ++g) item.items.push_back(std::move(m.groups[g]));
    }
    out.push_back(std::move(item));
  }
  return out;
}

std::string Regex::expand(std::string_view repl, const Match& m) const {
  std::string out;
  auto group_text = [&](size_t g) -> const std::string& {
    if (g >= m.groups.size())
      throw RegexError("replacement refers to group " + std::to_string(g) + " but \"" +
                       pattern_ + "\" has " + std::to_string(group_count_));
    return m.groups[g];
  };
  for (size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c != '\\' || i + 1 == repl.size()) {
      out += c;
      continue;
    }
    char e = repl[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case '\\': out += '\\'; break;
      case 'g': {
        size_t close = repl.find('>', i);
        if (i + 1 >= repl.size() || repl[i + 1] != '<' || close == std::string_view::npos)
          throw RegexError("bad \\g in replacement for \"" + pattern_ + "\"");
        std::string name(repl.substr(i + 2, close - i - 2));
        i = close;
        bool numeric = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
        if (numeric) {
          out += group_text(std::stoul(name));
        } else {
          int g = pcre2_substring_number_from_name(impl_->code,
                                                   reinterpret_cast<PCRE2_SPTR>(name.c_str()));
          if (g < 0) throw RegexError("unknown group name " + name + " in replacement");
          out += group_text(static_cast<size_t>(g));
        }
        break;
      }
      default:
        if (e >= '1' && e <= '9') {
          size_t g = static_cast<size_t>(e - '0');
          if (i + 1 < repl.size() && repl[i + 1] >= '0' && repl[i + 1] <= '9')
            g = g * 10 + static_cast<size_t>(repl[++i] - '0');
          out += group_text(g);
        } else {
          out += '\\';  // Python keeps unknown non-letter escapes as written
          out += e;
        }
    }
  }
  return out;
}

std::string Regex::sub(std::string_view repl, std::string_view subject, size_t count) const {
  std::string out;
  size_t last = 0, done = 0;
  for (const Match& m : finditer(subject)) {
    if (count && done == count) break;
    out.append(subject.substr(last, m.begin[0] - last));
    out += expand(repl, m);
    last = m.end[0];
    ++done;
  }
  out.append(subject.substr(last));
  return out;
}

std::vector<std::string> Regex::split(std::string_view subject, size_t maxsplit) const {
  std::vector<std::string> out;
  size_t last = 0, done = 0;
  for (const Match& m : finditer(subject)) {
    if (maxsplit && done == maxsplit) break;
    out.emplace_back(subject.substr(last, m.begin[0] - last));
    for (size_t g = 1; g <= group_count_; ++g) out.push_back(m.groups[g]);
    last = m.end[0];
    ++done;
  }
  out.emplace_back(subject.substr(last));
  return out;
}

const Regex& regex(std::string_view pattern, unsigned flags) {
  static std::shared_mutex mutex;
  static std::map<std::pair<std::string, unsigned>, std::unique_ptr<Regex>> cache;
  std::pair<std::string, unsigned> key(std::string(pattern), flags);
  {
    std::shared_lock lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return *it->second;
  }
  auto compiled = std::make_unique<Regex>(pattern, flags);  // throws before caching
  std::unique_lock lock(mutex);
  auto [it, inserted] = cache.emplace(std::move(key), std::move(compiled));
  return *it->second;
}

std::optional<Match> search(std::string_view pattern, std::string_view subject, unsigned flags) {
  return regex(pattern, flags).search(subject);
}

std::vector<FindallItem> findall(std::string_view pattern, std::string_view subject,
                                 unsigned flags) {
  return regex(pattern, flags).findall(subject);
}

std::string sub(std::string_view pattern, std::string_view repl, std::string_view subject,
                unsigned flags) {
  return regex(pattern, flags).sub(repl, subject);
}

std::vector<std::string> split(std::string_view pattern, std::string_view subject,
                               unsigned flags) {
  return regex(pattern, flags).split(subject);
}

std::string escape(std::string_view text) {
  static constexpr std::string_view special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

pcre2_match_context* thread_match_context() {
  struct Holder {
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    Holder() {
      pcre2_jit_stack_assign(context, nullptr, stack);
      pcre2_set_match_limit(context, kMatchLimit);
    }
    ~Holder() {
      pcre2_jit_stack_free(stack);
      pcre2_match_context_free(context);
    }
  };
  thread_local Holder holder;
  return holder.context;
}

std::string pcre2_error_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof buf);
  return n < 0 ? "unknown PCRE2 error " + std::to_string(code)
               : std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

}  // namespace harness::benches::py
