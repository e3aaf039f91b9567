// Names that templates and suites join onto a folder cannot climb out of it: a suite's
// template names are plain file stems; selection.task_ids_file stays inside the data dir.
#include <gtest/gtest.h>

#include "harness/template.h"
#include "harness/template_test_util.h"

namespace harness {
namespace {

std::string error_loading(const std::string& path, bool suite) {
  try {
    if (suite) load_suite_file(path);
    else load_template_file(path);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "";
}

TEST(TemplatePaths, SuiteTemplateNamesMustBePlainNames) {
  test::ScratchDir dir;
  dir.write("t.yaml", "name: t\nbench: gsm8k\nn: 1\nselection:\n  first: 1\ngeneration:\n  max_gen_toks: 9\n");
  dir.write("outside/t.yaml", "name: t\nbench: gsm8k\nn: 1\nselection:\n  first: 1\ngeneration:\n  max_gen_toks: 9\n");
  for (const std::string name : {"../outside/t", "/etc/passwd", "..", "sub\\\\t"}) {
    const std::string path = dir.write("suites/s.yaml", "name: s\ndescription: d\ntemplates: [\"" + name + "\"]\n");
    const std::string error = error_loading(path, true);
    EXPECT_NE(error.find("templates[0]: '" + std::string(name == "sub\\\\t" ? "sub\\t" : name) + "' is not a template name"),
              std::string::npos)
        << name << ": " << error;
    // Through resolve_targets (the daemon's and the CLI's path), with a templates dir.
    try {
      resolve_targets({"s"}, dir.path());
      ADD_FAILURE() << name << " resolved";
    } catch (const TemplateError& e) {
      EXPECT_NE(std::string(e.what()).find("is not a template name"), std::string::npos) << e.what();
    }
  }
  dir.write("suites/s.yaml", "name: s\ndescription: d\ntemplates: [t]\n");
  EXPECT_EQ(resolve_targets({"s"}, dir.path()).size(), 1u);
}

TEST(TemplatePaths, TaskIdsFileMustStayInsideTheDataDir) {
  test::ScratchDir dir;
  for (const std::string file : {"../secret.json", "/etc/passwd", "ids/../../x.json"}) {
    const std::string path = dir.write("t.yaml", "name: t\nbench: gsm8k\nn: 1\nselection:\n  task_ids_file: \"" + file +
                                                     "\"\ngeneration:\n  max_gen_toks: 9\n");
    const std::string error = error_loading(path, false);
    EXPECT_NE(error.find("t.yaml:5:"), std::string::npos) << error;
    EXPECT_NE(error.find("selection.task_ids_file: '" + file + "' leaves the data dir"), std::string::npos) << error;
  }
  const std::string ok = dir.write(
      "t.yaml", "name: t\nbench: gsm8k\nn: 1\nselection:\n  task_ids_file: ids/a..b.json\ngeneration:\n  max_gen_toks: 9\n");
  EXPECT_EQ(error_loading(ok, false), "");
  EXPECT_TRUE(is_path_inside("ids/a..b.json"));
  EXPECT_FALSE(is_path_inside(""));
  EXPECT_TRUE(is_plain_name("gsm8k_100"));
  EXPECT_FALSE(is_plain_name("a/b"));
}

}  // namespace
}  // namespace harness
