// langdetect 1.0.9 (the Python port of Shuyo Nakatani's language-detection, which lm-eval's
// IFEval calls), reimplemented: the same n-gram normalisation, the same 55 profiles read at
// run time from Debian's python3-langdetect, and the same random trials driven by a
// bit-exact CPython random.Random, so that for a given seed the verdict is langdetect's.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace harness::benches::ifeval {

// Debian's python3-langdetect; HARNESS_LANGDETECT_DIR overrides it (a directory holding
// profiles/ and utils/messages.properties, e.g. a pip-installed langdetect package).
inline constexpr const char* kDebianLangdetectDir = "/usr/lib/python3/dist-packages/langdetect";

// n-gram key → row: open addressing over a power-of-two table (std::unordered_map spent
// most of the profile load time on bucket divisions and chain misses).
class NgramRows {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;
  explicit NgramRows(unsigned log2_slots = 18) : keys_(size_t{1} << log2_slots, 0),
      rows_(size_t{1} << log2_slots, kAbsent), shift_(64 - log2_slots) {}
  uint32_t find(uint64_t key) const {
    for (size_t i = slot(key);; i = (i + 1) & (keys_.size() - 1)) {
      if (keys_[i] == key) return rows_[i];
      if (keys_[i] == 0) return kAbsent;
    }
  }
  // The key's row, given the next row number when new. Key 0 is reserved (no n-gram packs
  // to 0: every normalised code point is non-zero). Throws std::length_error when full.
  uint32_t insert(uint64_t key) {
    if ((size_ + 1) * 2 > keys_.size()) throw std::length_error("langdetect n-gram table is full");
    size_t i = slot(key);
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & (keys_.size() - 1);
    if (keys_[i] == 0) {
      keys_[i] = key;
      rows_[i] = size_++;
    }
    return rows_[i];
  }
  size_t size() const { return size_; }

 private:
  size_t slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> rows_;
  unsigned shift_;
  uint32_t size_ = 0;
};

struct LangdetectModel {
  // Profile names in byte order. langdetect uses os.listdir order, which varies between
  // file systems; the order only changes the rounding of one sum (DIVERGENCES.md).
  std::vector<std::string> langs;
  // An n-gram of 1–3 normalised code points, packed 21 bits each (see pack_ngram), to its
  // row: the languages whose profile has the n-gram and its relative frequency there
  // (entries row_begin[r] .. row_begin[r + 1]; sparse, as most n-grams occur in few).
  NgramRows rows;
  std::vector<uint32_t> row_begin;
  std::vector<uint8_t> entry_lang;
  std::vector<double> entry_prob;
  // From messages.properties: each kanji to the first kanji of its class, the Latin-1
  // characters that are not letters, and the Vietnamese letter + combining mark pairs.
  std::unordered_map<char32_t, char32_t> kanji_class;
  std::u32string latin1_excluded;
  std::u32string vi_letters;               // TO_NORMALIZE_VI_CHARS
  std::u32string vi_marks;                 // DMARK_CLASS
  std::vector<std::u32string> vi_composed;  // [mark][letter] → precomposed character
};

// Reads `dir`/profiles/* and `dir`/utils/messages.properties. Throws DataError naming the
// file and the fix.
LangdetectModel load_langdetect_model(const std::string& dir);

// The model from HARNESS_LANGDETECT_DIR or Debian's package, loaded once per process.
// Throws DataError (install python3-langdetect) when it is missing.
const LangdetectModel& default_langdetect_model();

inline uint64_t pack_ngram(std::u32string_view gram) {
  uint64_t key = 0;
  for (char32_t c : gram) key = (key << 21) | static_cast<uint64_t>(c);
  return key;
}

// Detector.append + cleaning_text + _extract_ngrams: the profile rows of the text's
// n-grams in text order. Empty is langdetect's "No features in text" exception.
std::vector<uint32_t> langdetect_features(const LangdetectModel& model, std::string_view text);

// Detector._detect_block with random.seed(seed): 7 trials, each with its own Gaussian
// smoothing, sampling features until one language passes 0.99999 (checked every 5th draw)
// or 1000 draws. Returns the top language over 0.1, else "unknown". `features` non-empty.
std::string langdetect_detect(const LangdetectModel& model, const std::vector<uint32_t>& features,
                              uint64_t seed);

}  // namespace harness::benches::ifeval
