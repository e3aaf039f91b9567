#include "benches/math500/extract_regex.h"

#include <string>

#include "benches/common/pcre2_support.h"
#include "benches/common/py_regex.h"

namespace harness::benches::math500 {

struct ExtractionRegex::Impl {
  pcre2_code* code = nullptr;
  std::string pattern;
  ~Impl() { pcre2_code_free(code); }
};

ExtractionRegex::ExtractionRegex(std::string_view python_source, bool dotall)
    : impl_(std::make_unique<Impl>()) {
  impl_->pattern = std::string(python_source);
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
  if (dotall) options |= PCRE2_DOTALL;
  const std::string source = py::translate_pattern(python_source);
  int err = 0;
  PCRE2_SIZE offset = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                              options, &err, &offset, nullptr);
  if (impl_->code == nullptr) {
    throw std::runtime_error("math500 extraction pattern does not compile: " + py::pcre2_error_message(err) +
                             " at offset " + std::to_string(offset));
  }
  pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);  // without JIT it is only slower
}

ExtractionRegex::~ExtractionRegex() = default;
ExtractionRegex::ExtractionRegex(ExtractionRegex&&) noexcept = default;

std::vector<RegexSpans> ExtractionRegex::finditer(std::string_view subject) const {
  std::vector<RegexSpans> out;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  const uint32_t pairs = pcre2_get_ovector_count(md);
  size_t pos = 0;
  while (pos <= subject.size()) {
    int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                         subject.size(), pos, 0, md, py::thread_match_context());
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      pcre2_match_data_free(md);
      if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
          rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
        throw ExtractionTimeout("math500 extraction: " + py::pcre2_error_message(rc));
      }
      throw std::runtime_error("math500 extraction: matching failed: " + py::pcre2_error_message(rc));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    RegexSpans spans;
    for (uint32_t g = 0; g < pairs; ++g) {
      const bool set = g < static_cast<uint32_t>(rc) && ov[2 * g] != PCRE2_UNSET;
      spans.begin.push_back(set ? ov[2 * g] : RegexSpans::kUnset);
      spans.end.push_back(set ? ov[2 * g + 1] : RegexSpans::kUnset);
    }
    // The extraction patterns never match empty; step over one character if one did.
    size_t next = spans.end[0];
    if (next == spans.begin[0]) {
      ++next;
      while (next < subject.size() && (static_cast<unsigned char>(subject[next]) & 0xC0) == 0x80) ++next;
    }
    out.push_back(std::move(spans));
    pos = next;
  }
  pcre2_match_data_free(md);
  return out;
}

}  // namespace harness::benches::math500
