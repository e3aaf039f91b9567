// Every user error a template or suite file can contain, as a table: YAML text -> the
// substring the error must contain (file, line, column, field, hint).
#include <cctype>

#include <gtest/gtest.h>

#include "harness/template.h"
#include "harness/template_test_util.h"

namespace harness {
namespace {

struct BadCase {
  const char* label;
  const char* file;  // file name: the template name must match its stem
  const char* yaml;
  const char* expected;  // substring of the error
};

// The valid template every case below starts from (line numbers matter).
constexpr const char* kValid =
    "name: t\n"               // 1
    "bench: gsm8k\n"          // 2
    "n: 10\n"                 // 3
    "selection:\n"            // 4
    "  first: 10\n"           // 5
    "generation:\n"           // 6
    "  max_gen_toks: 100\n"   // 7
    "  temperature: 0\n";     // 8

const BadCase kBadTemplates[] = {
    {"syntax error", "t.yaml", "name: t\nbench: [gsm8k\nn: 10\n", "t.yaml:3:"},
    {"syntax error names the parser's message", "t.yaml", "name: t\n  bench: x\n",
     "invalid YAML: "},
    {"unknown top-level key", "t.yaml",
     "name: t\nbenchh: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:2:1: benchh: unknown key; did you mean 'bench'?"},
    {"unknown nested key", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection:\n  first: 10\ngeneration:\n"
     "  max_gen_toks: 100\n  temprature: 0\n",
     "t.yaml:8:3: generation.temprature: unknown key; did you mean 'temperature'?"},
    {"unknown key without a close match lists the known keys", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "sanity:\n  zzzzzz: 1\n",
     "t.yaml:8:3: sanity.zzzzzz: unknown key; known keys here: min_p10_chars"},
    {"caret under the column", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  top_kk: 0\n",
     "\n    top_kk: 0\n    ^"},
    {"integer expected", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: lots\n",
     "t.yaml:6:17: generation.max_gen_toks: expected an integer, got 'lots'"},
    {"quoted integer", "t.yaml",
     "name: t\nbench: gsm8k\nn: \"10\"\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:3:4: n: expected an integer, got '10'; remove the quotes"},
    {"quoted non-number gets no quote hint", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  seed: \"x\"\n",
     "generation.seed: expected an integer, got 'x'\n"},
    {"float where an integer is expected", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10.5\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "n: expected an integer, got '10.5'"},
    {"number expected", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  temperature: warm\n",
     "t.yaml:7:16: generation.temperature: expected a number, got 'warm'"},
    {"boolean expected", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "reasoning:\n  enable_thinking: yes please\n",
     "reasoning.enable_thinking: expected true or false, got 'yes please'"},
    {"list expected", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  stop: Question\n",
     "t.yaml:7:9: generation.stop: expected a list of strings"},
    {"map expected", "t.yaml", "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration: 5\n",
     "t.yaml:5:13: generation: expected a map, got '5'"},
    {"missing name", "t.yaml",
     "bench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:1:1: name: missing; add it"},
    {"missing n", "t.yaml",
     "name: t\nbench: gsm8k\nselection: all\ngeneration:\n  max_gen_toks: 9\n", "n: missing"},
    {"missing selection", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\ngeneration:\n  max_gen_toks: 9\n", "selection: missing"},
    {"missing generation", "t.yaml", "name: t\nbench: gsm8k\nn: 10\nselection: all\n",
     "generation: missing"},
    {"missing max_gen_toks", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  temperature: 0\n",
     "t.yaml:6:3: generation.max_gen_toks: missing; add it under generation"},
    {"two selection forms", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection:\n  first: 10\n  indices: [1, 2]\ngeneration:\n"
     "  max_gen_toks: 9\n",
     "t.yaml:5:3: selection: has first and indices; keep exactly one of"},
    {"empty selection map", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: {}\ngeneration:\n  max_gen_toks: 9\n",
     "selection: empty; give exactly one of"},
    {"selection scalar other than all", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: some\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:4:12: selection: expected `all` or a map"},
    {"selection all false", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection:\n  all: false\ngeneration:\n  max_gen_toks: 9\n",
     "selection.all: false selects nothing"},
    {"duplicate indices", "t.yaml",
     "name: t\nbench: gsm8k\nn: 3\nselection:\n  indices: [4, 5, 4]\ngeneration:\n"
     "  max_gen_toks: 9\n",
     "t.yaml:5:19: selection.indices[2]: 4 is listed twice"},
    {"negative index", "t.yaml",
     "name: t\nbench: gsm8k\nn: 1\nselection:\n  indices: [-1]\ngeneration:\n  max_gen_toks: 9\n",
     "selection.indices[0]: -1 is out of range; it must be >= 0"},
    {"bad filter date", "t.yaml",
     "name: t\nbench: livecodebench\nn: 5\nselection:\n  filter:\n    min_date: 2024/10/01\n"
     "generation:\n  max_gen_toks: 9\n",
     "t.yaml:6:5: selection.filter.min_date: expected a date as YYYY-MM-DD"},
    {"bad filter difficulty", "t.yaml",
     "name: t\nbench: livecodebench\nn: 5\nselection:\n  filter:\n    difficulty: meduim\n"
     "generation:\n  max_gen_toks: 9\n",
     "selection.filter.difficulty: 'meduim' is not one of easy, medium, hard; did you mean "
     "'medium'?"},
    {"unknown bench", "t.yaml",
     "name: t\nbench: gsm8kk\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:2:1: bench: unknown bench 'gsm8kk'; did you mean 'gsm8k'?"},
    {"unknown bench far from any", "t.yaml",
     "name: t\nbench: mmlu_pro_whatever\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "known: gsm8k, math500, aime2024"},
    {"name differs from file stem", "other.yaml", kValid,
     "other.yaml:1:1: name: 't' does not match the file name 'other.yaml'; set `name: other`"},
    {"n does not match first", "t.yaml",
     "name: t\nbench: gsm8k\nn: 99\nselection:\n  first: 10\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:3:1: n: 99 does not match the selection, which gives 10; set `n: 10`"},
    {"n does not match first x langs", "t.yaml",
     "name: t\nbench: multipl_e\nn: 100\nselection:\n  first: 100\ngeneration:\n"
     "  max_gen_toks: 9\nscoring:\n  langs: [rs, js]\n",
     "n: 100 does not match the selection, which gives 100 per language x 2 languages"},
    {"top_p zero", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  top_p: 0\n",
     "t.yaml:7:10: generation.top_p: 0 is out of range; it must be > 0 and <= 1"},
    {"top_p above one", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  top_p: 1.5\n",
     "generation.top_p: 1.5 is out of range"},
    {"negative temperature", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  temperature: -0.5\n",
     "generation.temperature: -0.5 is out of range; it must be >= 0"},
    {"negative top_k", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  top_k: -1\n",
     "generation.top_k: -1 is out of range"},
    {"zero max_gen_toks", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 0\n",
     "generation.max_gen_toks: 0 is out of range; it must be >= 1"},
    {"empty stop string", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "  stop: [\"a\", \"\"]\n",
     "t.yaml:7:15: generation.stop[1]: an empty stop string would end every reply"},
    {"budget leaves no answer room", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 100\n"
     "reasoning:\n  thinking_token_budget: 100\n",
     "t.yaml:8:3: reasoning.thinking_token_budget: 100 leaves no tokens for the answer"},
    {"budget vs an overridden max_gen_toks", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 100\n"
     "reasoning:\n  thinking_token_budget: 50\noverrides:\n  llama:\n    generation:\n"
     "      max_gen_toks: 40\n",
     "t.yaml:12:7: overrides.llama.reasoning.thinking_token_budget: 50 leaves no tokens"},
    {"bench-specific key on another bench", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "scoring:\n  mode: omk\n",
     "t.yaml:8:3: scoring.mode: only applies to bench livecodebench; remove it"},
    {"sandbox key a Python code bench cannot honour", "t.yaml",
     "name: t\nbench: humanevalplus\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "sandbox:\n  output_bytes: 1000\n",
     "t.yaml:8:3: sandbox.output_bytes: only applies to bench multipl_e; humanevalplus cannot "
     "honour it, remove it"},
    {"compile limits without a compile step", "t.yaml",
     "name: t\nbench: humaneval\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "sandbox:\n  compile_wall_seconds: 10\n",
     "t.yaml:8:3: sandbox.compile_wall_seconds: only applies to bench multipl_e; humaneval cannot "
     "honour it, remove it"},
    {"speed factor outside humaneval", "t.yaml",
     "name: t\nbench: livecodebench\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "sandbox:\n  speed_factor: 2\n",
     "t.yaml:8:3: sandbox.speed_factor: only applies to benches humaneval, humanevalplus; "
     "livecodebench cannot honour it, remove it"},
    {"bad scoring mode", "t.yaml",
     "name: t\nbench: livecodebench\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "scoring:\n  mode: offical\n",
     "scoring.mode: 'offical' is not one of omk, official; did you mean 'official'?"},
    {"multipl_e without langs", "t.yaml",
     "name: t\nbench: multipl_e\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "scoring.langs: missing; multipl_e needs its languages"},
    {"unknown language", "t.yaml",
     "name: t\nbench: multipl_e\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "scoring:\n  langs: [rs, python]\n",
     "t.yaml:8:15: scoring.langs[1]: 'python' is not one of rs, java, js"},
    {"unknown override flavour", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "overrides:\n  lama:\n    concurrency: 2\n",
     "t.yaml:8:3: overrides.lama: unknown backend flavour; did you mean 'llama'?"},
    {"override of a non-overridable section", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "overrides:\n  vllm:\n    scoring:\n      metric: x\n",
     "t.yaml:9:5: overrides.vllm.scoring: cannot be overridden per backend; known keys here: "
     "generation, reasoning, concurrency"},
    {"override with a typo", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "overrides:\n  vllm:\n    generation:\n      sed: 1\n",
     "t.yaml:10:7: overrides.vllm.generation.sed: unknown key; did you mean 'seed'?"},
    {"override with a wrong type", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "overrides:\n  vllm:\n    concurrency: many\n",
     "overrides.vllm.concurrency: expected an integer, got 'many'"},
    {"null on a required setting in an override", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "overrides:\n  vllm:\n    generation:\n      max_gen_toks: null\n",
     "overrides.vllm.generation.max_gen_toks: expected an integer, got nothing"},
    {"duplicate key", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nn: 11\nselection: all\ngeneration:\n  max_gen_toks: 9\n",
     "t.yaml:4:1: n: duplicate key; keep only one"},
    {"sandbox limit multipl_e cannot honour", "t.yaml",
     "name: t\nbench: multipl_e\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "scoring:\n  langs: [rs]\nsandbox:\n  timeout_s: 15\n  speed_factor: 2\n",
     "t.yaml:11:3: sandbox.speed_factor: only applies to benches humaneval, humanevalplus; "
     "multipl_e cannot honour it, remove it"},
    {"sandbox limit humaneval does not read", "t.yaml",
     "name: t\nbench: humaneval\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "sandbox:\n  compile_memory_mb: 512\n",
     "t.yaml:8:3: sandbox.compile_memory_mb: only applies to bench multipl_e; humaneval cannot "
     "honour it, remove it"},
    {"sandbox section on a bench that runs no code", "t.yaml",
     "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
     "sandbox:\n  timeout_s: 3\n",
     "t.yaml:7:1: sandbox: only applies to benches humaneval, humanevalplus, livecodebench, "
     "multipl_e; remove it"},
    {"empty file", "t.yaml", "", "t.yaml:1:1: expected a template"},
    {"a list instead of a map", "t.yaml", "- a\n- b\n", "expected a template"},
    {"a suite is not a template", "t.yaml", "name: t\ntemplates: [a]\n",
     "this is a suite (it lists `templates`), not a template"},
};

std::string case_name(const testing::TestParamInfo<BadCase>& info) {
  std::string name = info.param.label;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

class BadTemplateTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadTemplateTest, FailsWithFileLineFieldAndFix) {
  const BadCase& c = GetParam();
  test::ScratchDir dir;
  std::string path = dir.write(c.file, c.yaml);
  try {
    load_template_file(path);
    FAIL() << c.label << ": loaded without an error";
  } catch (const TemplateError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << c.label << "\nexpected substring: " << c.expected << "\nactual: " << message;
    EXPECT_EQ(message.rfind(path, 0), 0u) << "message must start with the file: " << message;
  }
  // validate_file reports the same message instead of throwing (a suite given to the
  // template loader is validated as the suite it is).
  if (std::string(c.yaml).find("templates:") != std::string::npos) return;
  std::string validated = validate_file(path, dir.path());
  EXPECT_NE(validated.find(c.expected), std::string::npos) << c.label << ": " << validated;
}

INSTANTIATE_TEST_SUITE_P(Table, BadTemplateTest, testing::ValuesIn(kBadTemplates), case_name);

TEST(TemplateErrors, ValidBaseLoads) {
  test::ScratchDir dir;
  BenchTemplate t = load_template_file(dir.write("t.yaml", kValid));
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.n, 10);
  EXPECT_EQ(t.selection.kind, Selection::Kind::First);
  EXPECT_EQ(t.generation.max_gen_toks, 100);
  EXPECT_FALSE(t.generation.seed.has_value());
  EXPECT_EQ(validate_file(dir.path() + "/t.yaml", dir.path()), "");
}

// Every sandbox key MultiPL-E reads (benches/multipl_e/execute.cpp exec_limits) is accepted.
TEST(TemplateErrors, MultiplESandboxKeysLoad) {
  test::ScratchDir dir;
  BenchTemplate t = load_template_file(dir.write(
      "t.yaml",
      "name: t\nbench: multipl_e\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: 9\n"
      "scoring:\n  langs: [rs]\nsandbox:\n  timeout_s: 15\n  wall_seconds: 20\n"
      "  cpu_seconds: 12\n  memory_mb: 2048\n  compile_wall_seconds: 90\n"
      "  compile_cpu_seconds: 80\n  compile_memory_mb: 4096\n  processes: 32\n"
      "  output_bytes: 4096\n"));
  EXPECT_EQ(t.sandbox.size(), 9u);
}

TEST(TemplateErrors, ReportsEveryErrorNotJustTheFirst) {
  test::ScratchDir dir;
  std::string path = dir.write(
      "t.yaml",
      "name: t\nbench: gsm8k\nn: 10\nselection: all\ngeneration:\n  max_gen_toks: x\n"
      "  top_p: 7\n");
  std::string message = validate_file(path, dir.path());
  EXPECT_NE(message.find(":6:17: generation.max_gen_toks"), std::string::npos) << message;
  EXPECT_NE(message.find(":7:10: generation.top_p"), std::string::npos) << message;
}

TEST(TemplateErrors, UnreadableFile) {
  test::ScratchDir dir;
  std::string message = validate_file(dir.path() + "/missing.yaml", dir.path());
  EXPECT_NE(message.find("missing.yaml: cannot read the file"), std::string::npos) << message;
}

const BadCase kBadSuites[] = {
    {"suite unknown key", "suites/s.yaml", "name: s\ntemplatess: [gsm8k_100]\n",
     "s.yaml:2:1: templatess: unknown key; did you mean 'templates'?"},
    {"suite name differs from file", "suites/s.yaml", "name: x\ntemplates: [gsm8k_100]\n",
     "s.yaml:1:1: name: 'x' does not match the file name 's.yaml'"},
    {"suite lists an unknown template", "s.yaml",
     "name: s\ntemplates:\n  - gsm8k_100\n  - gsm8k_10\n",
     "s.yaml:4:5: templates[1]: unknown template 'gsm8k_10' (no "},
    {"suite lists a template twice", "s.yaml",
     "name: s\ntemplates: [gsm8k_100, gsm8k_100]\n",
     "s.yaml:2:24: templates[1]: 'gsm8k_100' is listed twice"},
    {"suite with an empty list", "s.yaml", "name: s\ntemplates: []\n",
     "templates: empty; list the templates to run"},
    {"suite templates not a list", "s.yaml", "name: s\ntemplates: gsm8k_100\n",
     "templates: expected a list of strings"},
};

class BadSuiteTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadSuiteTest, FailsWithFileLineField) {
  const BadCase& c = GetParam();
  test::ScratchDir dir;
  std::string path = dir.write(c.file, c.yaml);
  std::string message = validate_file(path, test::source_templates_dir());
  EXPECT_NE(message.find(c.expected), std::string::npos)
      << c.label << "\nexpected substring: " << c.expected << "\nactual: " << message;
}

INSTANTIATE_TEST_SUITE_P(Table, BadSuiteTest, testing::ValuesIn(kBadSuites), case_name);

TEST(SuiteErrors, NamesTheBrokenTemplateAndItsError) {
  test::ScratchDir dir;
  dir.write("broken.yaml", "name: broken\nbench: gsm8k\nn: 1\nselection: all\ngeneration: {}\n");
  std::string suite = dir.write("suites/s.yaml", "name: s\ntemplates: [broken]\n");
  std::string message = validate_file(suite, dir.path());
  EXPECT_NE(message.find("s.yaml:2:13: templates[0]: template 'broken' is invalid"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("broken.yaml:5:13: generation.max_gen_toks: missing"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace harness
