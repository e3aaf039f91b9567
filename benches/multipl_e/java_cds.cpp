// javac with a dynamic class-data-sharing archive of its own classes.
//
// Why: a MultiPL-E Java program compiles in well under a second of real work, but javac
// first loads and links some thousand classes of jdk.compiler; that start-up is most of
// its CPU time (the JDK's default CDS archive covers java.base only). An archive dumped
// once per process from one warm-up compile (-XX:ArchiveClassesAtExit) cut javac's user
// CPU by about 40% (0.8 s → 0.5 s measured, OpenJDK 17). It only changes how classes are
// loaded: the same compiler, flags and class path, so the same diagnostics and exit
// status. The archive lives in memory and is copied into each compile's work dir (the
// sandbox sees no host dir where it could be kept). If dumping fails, javac runs without.
#include <algorithm>
#include <mutex>
#include <string>

#include "benches/multipl_e/java_cds.h"

namespace harness::benches::multipl_e {
namespace {

constexpr const char* kArchive = "javac.jsa";
constexpr const char* kClassDir = "classes";

// A warm-up program that walks the javac paths MultiPL-E programs use: generics,
// lambdas, streams, javatuples, boxing, asserts.
constexpr const char* kWarmUp = R"JAVA(import java.util.*;
import java.util.stream.*;
import org.javatuples.*;
class Problem {
    public static Pair<Long, Long> f(ArrayList<Long> xs, HashMap<String, Long> m) {
        long s = xs.stream().mapToLong(x -> x * 2).filter(x -> x > 1).sum();
        Optional<Long> best = xs.stream().max(Comparator.naturalOrder());
        String t = xs.stream().map(String::valueOf).collect(Collectors.joining(","));
        m.put(t, s);
        return Pair.with(s, best.orElse(0L));
    }
    public static void main(String[] args) {
        assert(f(new ArrayList<Long>(Arrays.asList(1L, 2L)), new HashMap<>()).equals(Pair.with(6L, 2L)));
    }
}
)JAVA";

std::vector<std::string> javac_argv(const std::string& extra,
                                    const std::vector<sandbox::SandboxFile>& more_sources = {}) {
  std::vector<std::string> argv{"javac"};
  for (const auto& flag : sandbox::jvm_flags()) argv.push_back(std::string("-J") + flag);
  argv.push_back("-J-XX:TieredStopAtLevel=1");  // as the runner: javac is too short for C2
  if (!extra.empty()) argv.push_back("-J" + extra);
  // Classes go to their own dir so that collecting them skips the 10 MB archive.
  for (const char* arg : {"-encoding", "UTF8", "-d", kClassDir, "-cp"}) argv.push_back(arg);
  argv.push_back(std::string(".:") + sandbox::kJavatuplesJar);
  argv.push_back("Problem.java");
  for (const sandbox::SandboxFile& file : more_sources) argv.push_back(file.path);
  return argv;
}

std::string dump_archive() {
  sandbox::SandboxSpec spec;
  spec.argv = javac_argv(std::string("-XX:ArchiveClassesAtExit=") + kArchive);
  spec.files = {{"Problem.java", kWarmUp, false}};
  spec.env = {"MALLOC_ARENA_MAX=2"};
  spec.limits = sandbox::default_compile_limits(sandbox::Language::Java);
  spec.collect = {kArchive};
  sandbox::SandboxResult r = sandbox::run_sandboxed(spec);
  if (!r.ok() || r.collected.size() != 1 || r.collected[0].content.size() < 4096) return "";
  // A JVM that rejects the archive says so on stderr with -Xlog:cds; prove it maps and
  // compiles, else go without.
  sandbox::SandboxSpec check = spec;
  check.argv = javac_argv(std::string("-XX:SharedArchiveFile=") + kArchive);
  // After jvm_flags()' -Xshare:auto, so that it wins: fail instead of running without.
  check.argv.insert(std::find(check.argv.begin(), check.argv.end(), "-encoding"), "-J-Xshare:on");
  check.files.push_back({kArchive, r.collected[0].content, false});
  check.collect.clear();
  if (!sandbox::run_sandboxed(check).ok()) return "";
  return std::move(r.collected[0].content);
}

}  // namespace

const std::string& javac_cds_archive() {
  static std::once_flag once;
  static std::string archive;
  std::call_once(once, [] { archive = dump_archive(); });
  return archive;
}

sandbox::CompiledRun run_java_program(const std::string& source,
                                      const sandbox::SandboxLimits& compile_limits,
                                      const sandbox::SandboxLimits& run_limits,
                                      const sandbox::ProgramExtras& extras) {
  const std::string& archive = javac_cds_archive();
  if (archive.empty())
    return sandbox::run_java(source, "Problem", compile_limits, run_limits, extras);

  sandbox::CompiledRun out;
  sandbox::SandboxSpec compile;
  compile.argv = javac_argv(std::string("-XX:SharedArchiveFile=") + kArchive, extras.sources);
  compile.files = {{"Problem.java", source, false}, {kArchive, archive, false}};
  compile.files.insert(compile.files.end(), extras.sources.begin(), extras.sources.end());
  compile.env = {"MALLOC_ARENA_MAX=2"};
  compile.limits = compile_limits;
  compile.collect = {kClassDir};
  out.compile = sandbox::run_sandboxed(compile);
  out.compiled = out.compile.ok();
  if (!out.compiled) return out;

  sandbox::SandboxSpec run;
  run.argv = {"java"};
  for (const auto& flag : sandbox::jvm_flags()) run.argv.push_back(flag);
  for (const char* arg : {"-ea", "-cp"}) run.argv.push_back(arg);
  run.argv.push_back(std::string(kClassDir) + ":" + sandbox::kJavatuplesJar);
  run.argv.push_back(extras.entry.empty() ? "Problem" : extras.entry);
  for (auto& file : out.compile.collected)
    run.files.push_back({file.path, std::move(file.content), file.executable});
  out.compile.collected.clear();
  run.env = {"MALLOC_ARENA_MAX=2"};
  run.limits = run_limits;
  run.stdin_data = extras.stdin_data;
  run.verdict_channel = extras.verdict_channel;
  out.run = sandbox::run_sandboxed(run);
  return out;
}

}  // namespace harness::benches::multipl_e
