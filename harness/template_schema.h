// The template schema as one table: every key a template may contain, its type, range and
// meaning. The YAML reader validates against it and templates/README.md's field list is
// generated from it (template_schema_markdown), so the two cannot drift apart.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::templates {

enum class ValueKind {
  Section,      // a map whose keys are the fields below it
  Integer,
  Number,
  Boolean,
  String,
  StringList,
  IntegerList,
  Selection,    // `all`, or a map with exactly one of its forms
  FlavourMap,   // overrides: backend flavour -> partial {generation, reasoning, concurrency}
};

struct FieldSpec {
  std::string_view path;            // "generation.top_p"
  ValueKind kind;
  bool required = false;
  bool nullable = false;            // `null` unsets an optional setting (used by overrides)
  std::optional<double> min;
  bool min_exclusive = false;
  std::optional<double> max;
  std::string_view choices;         // "omk|official": allowed values (list items for lists)
  std::string_view only_bench;      // "humaneval|humanevalplus": accepted only for these benches
  bool overridable = false;         // may appear under overrides.<flavour>
  std::string_view doc;
};

using FieldTable = std::vector<FieldSpec>;
const FieldTable& template_fields();
// Suites: {name, description, templates}.
const FieldTable& suite_fields();

// Whether `field` may appear in a template of `bench` (FieldSpec::only_bench).
bool field_applies_to(const FieldSpec& field, std::string_view bench);
// "humaneval, humanevalplus": the benches of FieldSpec::only_bench, for messages.
std::string only_bench_label(const FieldSpec& field);

// nullptr when `path` is not in the table.
const FieldSpec* find_field(const FieldTable& table, std::string_view path);
// The direct children of a section ("" = top level), in table order.
std::vector<const FieldSpec*> children_of(const FieldTable& table, std::string_view section);

// Levenshtein distance; used for "did you mean" hints.
int edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or "" when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "first, all, indices" — for messages.
std::string join_names(const std::vector<std::string>& names, std::string_view sep = ", ");

}  // namespace harness::templates
