// The CLI commands. Each returns an exit code (errors.h) or throws UsageError /
// CommandError, which the command boundary (cli.cpp) turns into one line on stderr.
#pragma once

#include <string>
#include <vector>

namespace harness {

using Args = std::vector<std::string>;

int cmd_run(const Args& args);
int cmd_resume(const Args& args);
int cmd_runs(const Args& args);
int cmd_report(const Args& args);
int cmd_score(const Args& args);
int cmd_rescore(const Args& args);
int cmd_validate(const Args& args);
int cmd_data(const Args& args);
int cmd_generate(const Args& args);
int cmd_compare(const Args& args);
int cmd_serve(const Args& args);

int run_cli(int argc, char** argv);

}  // namespace harness
