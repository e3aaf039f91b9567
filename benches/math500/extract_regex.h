// The extraction patterns' matcher: PCRE2 with py_regex's options (UTF, UCP, Python's \s),
// but with a match limit far above PCRE2's default of 10 million. Python's `re` has no
// limit, and on a long response (20 KB of solution text) the boxed-environment chain needs
// more than 10 million steps between two matches, so py::Regex would give up where
// math-verify does not.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace harness::benches::math500 {

// A match past the limit: the text is one math-verify would time out on.
struct ExtractionTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RegexSpans {
  std::vector<size_t> begin, end;  // byte offsets; [0] is the whole match; unset: kUnset
  static constexpr size_t kUnset = static_cast<size_t>(-1);
};

class ExtractionRegex {
 public:
  // `python_source` is Python `re` source; throws std::runtime_error when it does not compile.
  ExtractionRegex(std::string_view python_source, bool dotall);
  ~ExtractionRegex();
  ExtractionRegex(ExtractionRegex&&) noexcept;
  ExtractionRegex(const ExtractionRegex&) = delete;
  ExtractionRegex& operator=(const ExtractionRegex&) = delete;

  // re.finditer over `subject` (valid UTF-8); throws ExtractionTimeout past the limit.
  std::vector<RegexSpans> finditer(std::string_view subject) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness::benches::math500
