// The total memory bound of a sandbox: all its processes together, whatever it forks,
// while the pool runs other sandboxes at full parallelism.
#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "sandbox/memory_cgroup.h"
#include "sandbox/sandbox_test_util.h"

namespace harness::sandbox {
namespace {

using testing::run_py;

bool cgroup_mode() { return memory_bound_info().mode != MemoryBoundMode::Rlimits; }

// Eight children that each fill 192 MiB (touched: b'x' * n writes every page) under a
// 512 MiB bound. Every single one is far below its 4 GiB RLIMIT_AS, so only the total
// can stop them. The parent waits for all and exits 0 either way.
const char* const kForkedHogs =
    "import os, time\n"
    "kids = []\n"
    "for i in range(8):\n"
    "    pid = os.fork()\n"
    "    if pid == 0:\n"
    "        block = b'x' * (192 << 20)\n"
    "        time.sleep(1)\n"
    "        os._exit(0)\n"
    "    kids.append(pid)\n"
    "for pid in kids:\n"
    "    os.waitpid(pid, 0)\n"
    "print('parent done')\n";

const char* const kModest =
    "block = b'y' * (64 << 20)\n"
    "print(sum(range(10**6)), len(block))\n";

TEST(SandboxMemory, ModeIsDescribed) {
  std::string line = describe_memory_bound();
  EXPECT_FALSE(line.empty());
  if (cgroup_mode()) EXPECT_NE(line.find("cgroup"), std::string::npos) << line;
  else EXPECT_NE(line.find("rlimits only"), std::string::npos) << line;
  std::printf("memory bound: %s\n", line.c_str());
}

TEST(SandboxMemory, ForkedHogsStopAtTheBoundWhileThePoolIsFull) {
  if (!cgroup_mode()) GTEST_SKIP() << "no memory cgroup here: " << describe_memory_bound();
  SandboxPool pool(4);
  SandboxLimits hog_limits;
  hog_limits.memory_bytes = 512ull << 20;
  hog_limits.processes = 16;
  hog_limits.wall_seconds = 60;
  SandboxLimits modest_limits;
  modest_limits.memory_bytes = 512ull << 20;
  modest_limits.wall_seconds = 60;

  auto run = [&pool](const char* source, const SandboxLimits& limits) {
    SandboxSpec spec;
    spec.argv = {"/usr/bin/python3", "main.py"};
    spec.files = {{"main.py", source, false}};
    spec.limits = limits;
    return std::async(std::launch::async, [&pool, spec] { return pool.run(spec); });
  };
  // One hog and three modest programs fill the pool; then as many again.
  std::vector<std::future<SandboxResult>> hogs, modest;
  for (int round = 0; round < 2; ++round) {
    hogs.push_back(run(kForkedHogs, hog_limits));
    for (int i = 0; i < 3; ++i) modest.push_back(run(kModest, modest_limits));
  }
  for (auto& f : hogs) {
    SandboxResult r = f.get();
    ASSERT_TRUE(r.started) << r.error;
    EXPECT_TRUE(r.memory_limit_hit) << r.describe() << " peak " << r.memory_peak_bytes;
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.describe(), "memory limit hit");
    EXPECT_LE(r.memory_peak_bytes, hog_limits.memory_bytes);
    EXPECT_GT(r.memory_peak_bytes, 256ull << 20);  // it did get close
  }
  for (auto& f : modest) {
    SandboxResult r = f.get();
    EXPECT_TRUE(r.ok()) << r.describe() << r.stderr_data;
    EXPECT_EQ(r.stdout_data, "499999500000 67108864\n");
    EXPECT_FALSE(r.memory_limit_hit);
    EXPECT_GT(r.memory_peak_bytes, 64ull << 20);
  }
}

// The work tmpfs is memory too: filling /tmp counts against the same bound.
TEST(SandboxMemory, TmpfsFilesCountTowardsTheBound) {
  if (!cgroup_mode()) GTEST_SKIP() << "no memory cgroup here: " << describe_memory_bound();
  SandboxLimits limits;
  limits.memory_bytes = 256ull << 20;
  limits.work_dir_bytes = 1ull << 30;
  limits.file_size_bytes = 1ull << 30;
  SandboxResult r = run_py(
      "with open('/tmp/big', 'wb') as f:\n"
      "    for i in range(64):\n"
      "        f.write(b'z' * (8 << 20))\n"
      "print('wrote 512 MiB')\n",
      limits);
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_FALSE(r.ok()) << r.describe();
  EXPECT_NE(r.stdout_data, "wrote 512 MiB\n");
  EXPECT_LE(r.memory_peak_bytes, limits.memory_bytes);
}

}  // namespace
}  // namespace harness::sandbox
