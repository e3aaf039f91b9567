// Loading langdetect's data from its installed package: the 55 language profiles (JSON
// n-gram counts) and messages.properties (the normalisation tables). Read at run time
// rather than committed: the profiles are 2.3 MB, and the Debian package is the same
// langdetect 1.0.9 that lm-eval installs from PyPI (identical files).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "benches/bench.h"
#include "benches/common/unicode.h"
#include "benches/ifeval/langdetect.h"

namespace harness::benches::ifeval {

namespace {

namespace fs = std::filesystem;

const char* kFix =
    "install the Debian package python3-langdetect (scripts/install-deps.sh does) or point "
    "HARNESS_LANGDETECT_DIR at a langdetect 1.0.9 package directory";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw DataError("cannot read langdetect's " + p.string() + ": " + kFix);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Java-style properties as langdetect's messages.py reads them: key=value per line, the
// value's \uXXXX escapes decoded (the file has no other escapes).
std::vector<std::pair<std::string, std::u32string>> read_properties(const fs::path& p) {
  std::istringstream in(read_file(p));
  std::vector<std::pair<std::string, std::u32string>> out;
  std::string line;
  while (std::getline(in, line)) {
    line = py::strip(line);
    size_t eq = line.find('=');
    if (line.empty() || eq == std::string::npos) continue;
    std::u32string raw = py::decode_utf8(line.substr(eq + 1)), value;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == U'\\' && i + 1 < raw.size() && raw[i + 1] == U'u') {
        std::string hex = py::encode_utf8(raw.substr(i + 2, 4));
        if (hex.size() != 4 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
          throw DataError(p.string() + ": bad \\u escape in " + line.substr(0, eq) + "; " + kFix);
        value += static_cast<char32_t>(std::stoul(hex, nullptr, 16));
        i += 5;
      } else {
        value += raw[i];
      }
    }
    out.emplace_back(line.substr(0, eq), std::move(value));
  }
  return out;
}

void load_messages(const fs::path& p, LangdetectModel& m) {
  std::unordered_map<std::string, std::u32string> by_key;
  for (auto& [key, value] : read_properties(p)) {
    // Classes in file order, which is the order langdetect lists them in (no kanji is in
    // two classes, so the order does not change the map).
    if (key.starts_with("NGram.KANJI_")) {
      for (char32_t c : value) m.kanji_class[c] = value.front();
    }
    by_key[key] = std::move(value);
  }
  auto get = [&](const std::string& key) -> const std::u32string& {
    auto it = by_key.find(key);
    if (it == by_key.end() || it->second.empty())
      throw DataError(p.string() + " has no " + key + "; " + kFix);
    return it->second;
  };
  m.latin1_excluded = get("NGram.LATIN1_EXCLUDE");
  m.vi_letters = get("TO_NORMALIZE_VI_CHARS");
  m.vi_marks = get("DMARK_CLASS");
  for (const char* mark : {"0300", "0301", "0303", "0309", "0323"}) {
    m.vi_composed.push_back(get(std::string("NORMALIZED_VI_CHARS_") + mark));
    if (m.vi_composed.back().size() != m.vi_letters.size())
      throw DataError(p.string() + ": NORMALIZED_VI_CHARS_" + mark +
                      " does not match TO_NORMALIZE_VI_CHARS; " + kFix);
  }
  if (m.vi_composed.size() != m.vi_marks.size())
    throw DataError(p.string() + ": DMARK_CLASS is not the five marks langdetect 1.0.9 has; " + kFix);
  if (m.kanji_class.empty()) throw DataError(p.string() + " has no NGram.KANJI_ classes; " + kFix);
}

// A profile is {"freq": {n-gram: count, ...}, "n_words": [n1, n2, n3], "name": code}. Read
// with nlohmann's SAX interface: building the 55 documents would take most of the load time.
struct ProfileReader : nlohmann::json_sax<nlohmann::json> {
  std::vector<std::pair<std::string, double>> freq;
  std::vector<double> n_words;
  std::string name;
  std::string error;
  std::string top_key, gram;
  int depth = 0;

  bool number(double v) {
    if (depth == 2 && top_key == "freq") freq.emplace_back(std::move(gram), v);
    else if (depth == 2 && top_key == "n_words") n_words.push_back(v);
    return true;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t& v) override {
    if (depth == 1 && top_key == "name") name = v;
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth, true; }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return ++depth, true; }
  bool end_array() override { return --depth, true; }
  bool key(string_t& k) override {
    if (depth == 1) top_key = k;
    else gram = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    return false;
  }
};

struct Entry {
  uint32_t row;
  uint8_t lang;
  double prob;
};

// DetectorFactory.add_profile: freq[w] / n_words[len(w) - 1] for the 1–3 grams.
void add_profile(const fs::path& p, size_t index, LangdetectModel& m, std::vector<Entry>& entries) {
  ProfileReader r;
  if (!nlohmann::json::sax_parse(read_file(p), &r) || r.n_words.size() != 3 || r.name.empty())
    throw DataError(p.string() + " is not a langdetect profile" +
                    (r.error.empty() ? "" : " (" + r.error + ")") + "; " + kFix);
  if (r.name != m.langs[index])
    throw DataError(p.string() + " names itself \"" + r.name + "\"; " + kFix);
  for (const auto& [word, count] : r.freq) {
    std::u32string gram = py::decode_utf8(word);
    if (gram.empty() || gram.size() > 3) continue;
    const uint32_t row = m.rows.insert(pack_ngram(gram));
    entries.push_back({row, static_cast<uint8_t>(index), count / r.n_words[gram.size() - 1]});
  }
}

// The entries grouped by row (a counting sort; within a row, languages stay in order).
void build_rows(const std::vector<Entry>& entries, LangdetectModel& m) {
  m.row_begin.assign(m.rows.size() + 1, 0);
  for (const Entry& e : entries) ++m.row_begin[e.row + 1];
  for (size_t r = 1; r < m.row_begin.size(); ++r) m.row_begin[r] += m.row_begin[r - 1];
  std::vector<uint32_t> next(m.row_begin.begin(), m.row_begin.end() - 1);
  m.entry_lang.resize(entries.size());
  m.entry_prob.resize(entries.size());
  for (const Entry& e : entries) {
    uint32_t at = next[e.row]++;
    m.entry_lang[at] = e.lang;
    m.entry_prob[at] = e.prob;
  }
}

}  // namespace

LangdetectModel load_langdetect_model(const std::string& dir) {
  LangdetectModel m;
  const fs::path profiles = fs::path(dir) / "profiles";
  std::error_code ec;
  if (!fs::is_directory(profiles, ec))
    throw DataError("langdetect's language profiles are not at " + profiles.string() + ": " + kFix);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(profiles, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(".") && e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() < 2) throw DataError(profiles.string() + " holds fewer than two profiles; " + kFix);
  for (const auto& f : files) m.langs.push_back(f.filename().string());
  if (files.size() > 255) throw DataError(profiles.string() + " holds over 255 profiles; " + kFix);
  std::vector<Entry> entries;
  entries.reserve(200000);
  for (size_t i = 0; i < files.size(); ++i) add_profile(files[i], i, m, entries);
  build_rows(entries, m);
  load_messages(fs::path(dir) / "utils" / "messages.properties", m);
  return m;
}

const LangdetectModel& default_langdetect_model() {
  // Loaded on first use; a failure is not cached, so the next caller gets the same error.
  static std::mutex mu;
  static std::unique_ptr<LangdetectModel> model;
  std::lock_guard<std::mutex> lock(mu);
  if (!model) {
    const char* env = std::getenv("HARNESS_LANGDETECT_DIR");
    std::string dir = env && *env ? env : kDebianLangdetectDir;
    model = std::make_unique<LangdetectModel>(load_langdetect_model(dir));
  }
  return *model;
}

}  // namespace harness::benches::ifeval
