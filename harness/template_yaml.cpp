#include "harness/template_yaml.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include "harness/template.h"

namespace harness::templates {

using nlohmann::json;

std::string join_path(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

Diagnostics::Diagnostics(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    error("cannot read the file; check the path");
    return;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text_ = buffer.str();
  readable_ = true;
}

void Diagnostics::error(std::string_view message) {
  errors_.push_back(path_ + ": " + std::string(message));
}

void Diagnostics::error(const YAML::Mark& mark, std::string_view field,
                        std::string_view message) {
  if (mark.is_null() || mark.line < 0) {
    error(std::string(field) + (field.empty() ? "" : ": ") + std::string(message));
    return;
  }
  std::string out = path_ + ":" + std::to_string(mark.line + 1) + ":" +
                    std::to_string(mark.column + 1) + ": ";
  if (!field.empty()) out += std::string(field) + ": ";
  out += message;
  // The offending line and a caret under the column, as ninja does.
  std::istringstream lines(text_);
  std::string line;
  for (int i = 0; i <= mark.line && std::getline(lines, line); ++i) {
    if (i != mark.line) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += "\n  " + line + "\n  " + std::string(static_cast<size_t>(mark.column), ' ') + "^";
  }
  errors_.push_back(out);
}

std::string Diagnostics::message() const {
  std::string out;
  for (const auto& e : errors_) out += (out.empty() ? "" : "\n") + e;
  return out;
}

void Diagnostics::throw_if_errors() const {
  if (!ok()) throw TemplateError(message());
}

YAML::Node parse_yaml(Diagnostics& diag) {
  if (!diag.readable()) return YAML::Node();
  try {
    return YAML::Load(diag.text());
  } catch (const YAML::Exception& e) {
    diag.error(e.mark, "", "invalid YAML: " + e.msg + "; fix the syntax at this position");
  }
  return YAML::Node();
}

namespace {

const char* expected_label(ValueKind kind) {
  switch (kind) {
    case ValueKind::Integer: return "an integer";
    case ValueKind::Number: return "a number";
    case ValueKind::Boolean: return "true or false";
    case ValueKind::String: return "a string";
    case ValueKind::StringList: return "a list of strings, e.g. [a, b]";
    case ValueKind::IntegerList: return "a list of integers, e.g. [0, 5, 7]";
    default: return "a map";
  }
}

std::string describe_node(const YAML::Node& node) {
  if (node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "'" + node.Scalar() + "'";
}

// yaml-cpp tags quoted scalars "!" and plain ones "?": "100" in quotes is a string.
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

std::string format_number(double v) {
  std::ostringstream out;
  out << std::setprecision(15) << v;
  return out.str();
}

std::string choices_text(std::string_view choices) {
  std::string out;
  for (char ch : choices) out += ch == '|' ? std::string(", ") : std::string(1, ch);
  return out;
}

std::vector<std::string> split_choices(std::string_view choices) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : choices) {
    if (ch == '|') out.push_back(cur), cur.clear();
    else cur += ch;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

YAML::Mark SchemaReader::mark_of(const std::string& path) const {
  auto it = marks_.find(path);
  return it == marks_.end() ? YAML::Mark::null_mark() : it->second;
}

bool SchemaReader::check_range(const YAML::Mark& mark, const FieldSpec& field,
                               const std::string& path, double value) {
  bool low = field.min && (field.min_exclusive ? value <= *field.min : value < *field.min);
  bool high = field.max && value > *field.max;
  if (!low && !high) return true;
  std::string range;
  if (field.min) range += std::string(field.min_exclusive ? "> " : ">= ") + format_number(*field.min);
  if (field.max) range += (range.empty() ? "<= " : " and <= ") + format_number(*field.max);
  diag_.error(mark, path, format_number(value) + " is out of range; it must be " + range);
  return false;
}

json SchemaReader::read_scalar(const YAML::Node& node, ValueKind kind, const FieldSpec& field,
                               const std::string& path, bool* ok) {
  *ok = false;
  auto fail = [&](std::string extra) {
    diag_.error(node.Mark(), path,
                std::string("expected ") + expected_label(kind) + ", got " + describe_node(node) +
                    extra);
    return json();
  };
  if (!node.IsScalar()) return fail("");
  const std::string& text = node.Scalar();
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  switch (kind) {
    case ValueKind::Integer: {
      int64_t v = 0;
      auto r = std::from_chars(begin, end, v);
      bool parses = r.ec == std::errc() && r.ptr == end && !text.empty();
      if (is_quoted(node) || !parses) return fail(parses ? "; remove the quotes" : "");
      if (!check_range(node.Mark(), field, path, static_cast<double>(v))) return json();
      *ok = true;
      return v;
    }
    case ValueKind::Number: {
      double v = 0;
      auto r = std::from_chars(begin, end, v);
      bool parses = r.ec == std::errc() && r.ptr == end && !text.empty() && std::isfinite(v);
      if (is_quoted(node) || !parses) return fail(parses ? "; remove the quotes" : "");
      if (!check_range(node.Mark(), field, path, v)) return json();
      *ok = true;
      return v;
    }
    case ValueKind::Boolean: {
      if (!is_quoted(node) && (text == "true" || text == "True" || text == "TRUE")) {
        *ok = true;
        return true;
      }
      if (!is_quoted(node) && (text == "false" || text == "False" || text == "FALSE")) {
        *ok = true;
        return false;
      }
      return fail("");
    }
    default: {  // String
      if (!field.choices.empty()) {
        auto choices = split_choices(field.choices);
        if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
          std::string hint = closest_match(text, choices);
          diag_.error(node.Mark(), path,
                      "'" + text + "' is not one of " + choices_text(field.choices) +
                          (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
          return json();
        }
      }
      *ok = true;
      return text;
    }
  }
}

json SchemaReader::read_list(const YAML::Node& node, ValueKind item_kind,
                             const FieldSpec& field, const std::string& path) {
  if (!node.IsSequence()) {
    diag_.error(node.Mark(), path,
                std::string("expected ") +
                    expected_label(item_kind == ValueKind::String ? ValueKind::StringList
                                                                  : ValueKind::IntegerList) +
                    ", got " + describe_node(node));
    return json();
  }
  json out = json::array();
  for (size_t i = 0; i < node.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    marks_[item_path] = node[i].Mark();
    bool ok = false;
    json v = read_scalar(node[i], item_kind, field, item_path, &ok);
    if (ok) out.push_back(std::move(v));
  }
  return out;
}

json SchemaReader::read_selection(const YAML::Node& node, const std::string& path) {
  static const char* kForms = "first, all, indices, task_ids_file, filter";
  if (node.IsScalar() && node.Scalar() == "all") return json{{"all", true}};
  if (!node.IsMap()) {
    diag_.error(node.Mark(), path,
                "expected `all` or a map with one of " + std::string(kForms) + ", got " +
                    describe_node(node) + "; e.g. `selection: {first: 100}`");
    return json();
  }
  json out = read_section(node, "selection", path, false);
  if (out.is_object() && out.contains("all") && out["all"] == false)
    diag_.error(mark_of(path + ".all"), path + ".all",
                "false selects nothing; use `all: true` or another form");
  std::vector<std::string> forms;
  for (const auto& it : node) forms.push_back(it.first.Scalar());
  if (forms.size() != 1)
    diag_.error(node.Mark(), path,
                forms.empty() ? "empty; give exactly one of " + std::string(kForms)
                              : "has " + join_names(forms, " and ") + "; keep exactly one of " +
                                    kForms);
  return out;
}

json SchemaReader::read_overrides(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) {
    diag_.error(node.Mark(), path,
                "expected a map from backend flavour (" +
                    join_names(known_backend_flavours()) + ") to settings, got " +
                    describe_node(node));
    return json();
  }
  json out = json::object();
  for (const auto& it : node) {
    std::string flavour = it.first.Scalar();
    std::string flavour_path = path + "." + flavour;
    marks_[flavour_path] = it.first.Mark();
    const auto& flavours = known_backend_flavours();
    if (std::find(flavours.begin(), flavours.end(), flavour) == flavours.end()) {
      std::string hint = closest_match(flavour, flavours);
      diag_.error(it.first.Mark(), flavour_path,
                  "unknown backend flavour; " +
                      (hint.empty() ? "use one of " + join_names(flavours)
                                    : "did you mean '" + hint + "'?"));
      continue;
    }
    if (out.contains(flavour)) {
      diag_.error(it.first.Mark(), flavour_path, "duplicate key; keep only one");
      continue;
    }
    if (!it.second.IsMap()) {
      diag_.error(it.second.Mark(), flavour_path,
                  "expected a map with generation, reasoning or concurrency, got " +
                      describe_node(it.second));
      continue;
    }
    out[flavour] = read_section(it.second, "", flavour_path, true);
  }
  return out;
}

json SchemaReader::read_value(const YAML::Node& node, const FieldSpec& field,
                              const std::string& path, bool partial, bool* keep) {
  *keep = true;
  if (field.nullable && node.IsNull()) {
    *keep = partial;  // null in an override unsets the setting; in the template it is absent
    return json();
  }
  switch (field.kind) {
    case ValueKind::Section:
      if (!node.IsMap()) {
        diag_.error(node.Mark(), path, "expected a map, got " + describe_node(node));
        return json();
      }
      return read_section(node, field.path, path, partial);
    case ValueKind::Selection: return read_selection(node, path);
    case ValueKind::FlavourMap: return read_overrides(node, path);
    case ValueKind::StringList: return read_list(node, ValueKind::String, field, path);
    case ValueKind::IntegerList: return read_list(node, ValueKind::Integer, field, path);
    default: {
      bool ok = false;
      return read_scalar(node, field.kind, field, path, &ok);
    }
  }
}

json SchemaReader::read_section(const YAML::Node& node, std::string_view schema_path,
                                const std::string& display_path, bool partial) {
  json out = json::object();
  std::set<std::string> seen;
  auto children = children_of(table_, schema_path);
  std::vector<std::string> allowed;
  for (const auto* c : children)
    if (!partial || c->overridable) allowed.push_back(std::string(c->path.substr(c->path.rfind('.') + 1)));
  for (const auto& it : node) {
    const YAML::Node& key_node = it.first;
    std::string key = key_node.IsScalar() ? key_node.Scalar() : "";
    std::string field_path = join_path(display_path, key);
    if (!key_node.IsScalar()) {
      diag_.error(key_node.Mark(), display_path, "keys must be plain names");
      continue;
    }
    if (!seen.insert(key).second) {
      diag_.error(key_node.Mark(), field_path, "duplicate key; keep only one");
      continue;
    }
    const FieldSpec* field = find_field(table_, join_path(std::string(schema_path), key));
    if (!field || (partial && !field->overridable)) {
      std::string hint = closest_match(key, allowed);
      std::string what = field ? "cannot be overridden per backend; " : "unknown key; ";
      diag_.error(key_node.Mark(), field_path,
                  what + (hint.empty() || field ? "known keys here: " + join_names(allowed)
                                                : "did you mean '" + hint + "'?"));
      continue;
    }
    if (!bench_.empty() && !field_applies_to(*field, bench_)) {
      bool several = field->only_bench.find('|') != std::string_view::npos;
      diag_.error(key_node.Mark(), field_path,
                  std::string("only applies to bench") + (several ? "es " : " ") +
                      only_bench_label(*field) + "; remove it");
      continue;
    }
    marks_[field_path] = key_node.Mark();
    bool keep = true;
    json value = read_value(it.second, *field, field_path, partial, &keep);
    if (keep && !value.is_null()) out[key] = std::move(value);
    else if (keep && partial && field->nullable) out[key] = nullptr;
  }
  if (!partial) {
    for (const auto* c : children) {
      std::string key(c->path.substr(c->path.rfind('.') + 1));
      if (c->required && !seen.count(key))
        diag_.error(node.Mark(), join_path(display_path, key),
                    "missing; add it" + (display_path.empty() ? std::string()
                                                              : " under " + display_path) +
                        " (" + std::string(c->doc) + ")");
    }
  }
  return out;
}

}  // namespace harness::templates
