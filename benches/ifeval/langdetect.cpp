// langdetect's detection, step for step (detector.py and utils/ngram.py of 1.0.9). Every
// floating-point operation is the reference's, in the reference's order, because a
// borderline text's verdict can turn on the last bit of the convergence test; this file is
// compiled with -ffp-contract=off so that no multiply-add is fused.
#include "benches/ifeval/langdetect.h"

#include <atomic>
#include <string>

#include "benches/common/py_random.h"
#include "benches/common/py_regex.h"
#include "benches/common/unicode.h"

namespace harness::benches::ifeval {

namespace {

constexpr size_t kMaxTextLength = 10000;
constexpr int kTrials = 7;
constexpr double kAlpha = 0.5, kAlphaWidth = 0.05;
constexpr int kIterationLimit = 1000;
constexpr double kProbThreshold = 0.1, kConvThreshold = 0.99999, kBaseFreq = 10000;

bool in(char32_t c, char32_t lo, char32_t hi) { return lo <= c && c <= hi; }

// Python's one-character str.isupper() (the Unicode Uppercase property), memoised because
// the n-gram loop asks it twice per character.
bool is_upper_char(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  static std::atomic<uint8_t> known[0x10000];  // 0 unknown, 1 no, 2 yes (BMP only)
  if (c < 0x10000) {
    uint8_t k = known[c].load(std::memory_order_relaxed);
    if (k) return k == 2;
  }
  std::string one;
  py::append_utf8(one, c);
  static const py::Regex upper(R"(\p{Uppercase})");
  bool yes = upper.fullmatch(one).has_value();
  if (c < 0x10000) known[c].store(yes ? 2 : 1, std::memory_order_relaxed);
  return yes;
}

// NGram.normalize: one character to what the profiles were counted on.
char32_t normalize(const LangdetectModel& m, char32_t c) {
  if (c <= 0x7F) {  // Basic Latin: letters only
    return (c < 'A' || (c > 'Z' && c < 'a') || c > 'z') ? U' ' : c;
  }
  if (c <= 0xFF) return m.latin1_excluded.find(c) != std::u32string::npos ? U' ' : c;
  if (in(c, 0x180, 0x24F)) {  // Latin Extended-B: Romanian comma-below → cedilla
    if (c == 0x219) return 0x15F;
    if (c == 0x21B) return 0x163;
    return c;
  }
  if (in(c, 0x2000, 0x206F)) return U' ';  // General Punctuation
  if (in(c, 0x600, 0x6FF)) return c == 0x6CC ? 0x64A : c;  // Farsi yeh → Arabic yeh
  if (in(c, 0x1E00, 0x1EFF)) return c >= 0x1EA0 ? 0x1EC3 : c;  // Vietnamese letters
  if (in(c, 0x3040, 0x309F)) return 0x3042;  // Hiragana
  if (in(c, 0x30A0, 0x30FF)) return 0x30A2;  // Katakana
  if (in(c, 0x3100, 0x312F) || in(c, 0x31A0, 0x31BF)) return 0x3105;  // Bopomofo
  if (in(c, 0x4E00, 0x9FFF)) {  // CJK Unified Ideographs: a kanji class's representative
    auto it = m.kanji_class.find(c);
    return it == m.kanji_class.end() ? c : it->second;
  }
  if (in(c, 0xAC00, 0xD7AF)) return 0xAC00;  // Hangul Syllables
  return c;
}

// NGram.normalize_vi: a Vietnamese base letter followed by a combining mark becomes the
// precomposed letter (the regex's non-overlapping left-to-right substitution).
std::u32string normalize_vi(const LangdetectModel& m, const std::u32string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (i + 1 < s.size()) {
      size_t letter = m.vi_letters.find(s[i]);
      size_t mark = m.vi_marks.find(s[i + 1]);
      if (letter != std::u32string::npos && mark != std::u32string::npos) {
        out += m.vi_composed[mark][letter];
        ++i;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Detector.append: URLs and e-mail addresses to a space, then the first 10,000 characters
// with runs of spaces collapsed.
std::u32string appended_text(const LangdetectModel& m, std::string_view text) {
  static const py::Regex url(R"(https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076})");
  static const py::Regex mail(R"([-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255})");
  std::u32string s = normalize_vi(m, py::decode_utf8(mail.sub(" ", url.sub(" ", text))));
  std::u32string out;
  char32_t pre = 0;
  for (size_t i = 0; i < std::min(s.size(), kMaxTextLength); ++i) {
    if (s[i] != U' ' || pre != U' ') out += s[i];
    pre = s[i];
  }
  return out;
}

// Detector.cleaning_text: a text mostly in another script loses its Latin letters.
void drop_latin_if_minor(std::u32string& s) {
  size_t latin = 0, non_latin = 0;
  for (char32_t c : s) {
    if (c >= 'A' && c <= 'z') ++latin;
    else if (c >= 0x300 && !in(c, 0x1E00, 0x1EFF)) ++non_latin;
  }
  if (latin * 2 >= non_latin) return;
  std::u32string kept;
  for (char32_t c : s)
    if (c < 'A' || c > 'z') kept += c;
  s = std::move(kept);
}

// Detector._normalize_prob: divide by the sum (CPython 3.11's sum(): plain left-to-right
// addition) and return the largest probability.
double normalize_prob(std::vector<double>& prob) {
  double sum = 0.0;
  for (double p : prob) sum += p;
  double maxp = 0.0;
  for (double& p : prob) {
    p = p / sum;
    if (maxp < p) maxp = p;
  }
  return maxp;
}

}  // namespace

std::vector<uint32_t> langdetect_features(const LangdetectModel& m, std::string_view text) {
  std::u32string s = appended_text(m, text);
  drop_latin_if_minor(s);
  std::vector<uint32_t> rows;
  // NGram: the last ≤ 3 normalised characters since a space, and whether the current word
  // has two upper-case letters in a row (such words, acronyms, give no n-grams).
  char32_t grams[3] = {U' '};
  size_t len = 1;
  bool capital_word = false;
  for (char32_t raw : s) {
    const char32_t c = normalize(m, raw);
    const char32_t last = grams[len - 1];
    if (last == U' ') {
      grams[0] = U' ';
      len = 1;
      capital_word = false;
      if (c == U' ') continue;
    } else if (len >= 3) {
      grams[0] = grams[1];
      grams[1] = grams[2];
      len = 2;
    }
    grams[len++] = c;
    if (is_upper_char(c)) {
      if (is_upper_char(last)) capital_word = true;
    } else {
      capital_word = false;
    }
    if (capital_word) continue;
    for (size_t n = 1; n <= len; ++n) {
      std::u32string_view w(grams + len - n, n);
      if (n == 1 && w[0] == U' ') continue;
      const uint32_t row = m.rows.find(pack_ngram(w));
      if (row != NgramRows::kAbsent) rows.push_back(row);
    }
  }
  return rows;
}

std::string langdetect_detect(const LangdetectModel& m, const std::vector<uint32_t>& features,
                              uint64_t seed) {
  const size_t n_langs = m.langs.size();
  std::vector<double> langprob(n_langs, 0.0), prob(n_langs), factor(n_langs);
  py::Random rng(seed);
  for (int t = 0; t < kTrials; ++t) {
    std::fill(prob.begin(), prob.end(), 1.0 / static_cast<double>(n_langs));
    const double alpha = kAlpha + rng.gauss(0.0, 1.0) * kAlphaWidth;
    const double weight = alpha / kBaseFreq;
    for (int i = 0;; ++i) {
      // prob[j] *= weight + p[j], with p[j] = 0 for the languages the row does not list.
      const uint32_t row = features[rng.randbelow(features.size())];
      std::fill(factor.begin(), factor.end(), weight);
      for (uint32_t k = m.row_begin[row]; k < m.row_begin[row + 1]; ++k)
        factor[m.entry_lang[k]] = weight + m.entry_prob[k];
      for (size_t j = 0; j < n_langs; ++j) prob[j] *= factor[j];
      if (i % 5 == 0 && (normalize_prob(prob) > kConvThreshold || i >= kIterationLimit)) break;
    }
    for (size_t j = 0; j < n_langs; ++j) langprob[j] += prob[j] / kTrials;
  }
  // Sorted descending (a stable sort, so the earlier language wins a tie) above 0.1.
  size_t best = n_langs;
  for (size_t j = 0; j < n_langs; ++j)
    if (langprob[j] > kProbThreshold && (best == n_langs || langprob[j] > langprob[best])) best = j;
  return best == n_langs ? "unknown" : m.langs[best];
}

}  // namespace harness::benches::ifeval
