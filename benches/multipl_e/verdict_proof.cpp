#include "benches/multipl_e/verdict_proof.h"

#include <sys/random.h>

#include <cstdio>
#include <stdexcept>

namespace harness::benches::multipl_e {
namespace {

constexpr std::string_view kRustMain = "fn main() {";
constexpr std::string_view kJsTest = "function test() {";
constexpr std::string_view kJsCall = "\ntest();";

// Rust: read all of stdin through fd 0 directly (std's Stdin would keep a buffer), drop
// the File (closes fd 0); at the end write the secret to the verdict channel. Paths are
// absolute so that nothing the candidate declares can stand in for them.
constexpr const char* kRustHelpers = R"RUST(
fn __multipl_e_take_secret() -> ::std::vec::Vec<u8> {
    let mut secret = ::std::vec::Vec::new();
    let mut stdin: ::std::fs::File = unsafe { ::std::os::unix::io::FromRawFd::from_raw_fd(0) };
    if ::std::io::Read::read_to_end(&mut stdin, &mut secret).is_err() {
        secret.clear();
    }
    secret
}

fn __multipl_e_prove(secret: &[u8]) {
    let mut channel: ::std::fs::File = unsafe { ::std::os::unix::io::FromRawFd::from_raw_fd(3) };
    let _ = ::std::io::Write::write_all(&mut channel, secret);
}
)RUST";

// The JVM's main class. Closing System.in makes the JDK put /dev/null on fd 0.
constexpr const char* kJavaWrapper = R"JAVA(public final class MultiplEVerdict {
    public static void main(String[] args) throws Throwable {
        byte[] secret = System.in.readAllBytes();
        System.in.close();
        Problem.main(args);
        try (java.io.FileOutputStream channel = new java.io.FileOutputStream("/dev/fd/3")) {
            channel.write(secret);
        }
    }
}
)JAVA";

// node's entry. Frozen before the program loads: the assert module (its functions cannot
// be replaced) and the module loader (require cannot be redirected to a fake assert).
constexpr const char* kJsWrapper = R"JS('use strict';
const fs = require('fs');
const Module = require('module');
const secret = fs.readFileSync(0);
fs.closeSync(0);
Object.freeze(require('assert'));
Object.freeze(Module);
Object.freeze(Module.prototype);
require('./main.js');
fs.writeSync(3, secret);
)JS";

std::string new_secret() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) throw std::runtime_error("getrandom failed: cannot draw the verdict secret");
    got += static_cast<size_t>(n);
  }
  char hex[33];
  for (size_t i = 0; i < sizeof bytes; ++i) snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return std::string(hex, 32);
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
    // Already called by path ("::std::assert!(" contains "assert!(").
    if (pos >= 2 && text.compare(pos - 2, 2, "::") == 0) {
      pos += from.size();
      continue;
    }
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

std::string rust_tests(std::string_view tests) {
  std::string out(tests);
  size_t main = out.find(kRustMain);
  size_t close = out.rfind('}');
  // On the `fn main() {` line itself, so that the tests' line numbers stay as they were.
  out.insert(close, "    __multipl_e_prove(&__multipl_e_secret);\n");
  out.insert(main + kRustMain.size(), " let __multipl_e_secret = __multipl_e_take_secret();");
  for (const char* macro : {"assert_eq!(", "assert_ne!(", "assert!("})
    replace_all(out, macro, std::string("::std::") + macro);
  return out + kRustHelpers;
}

std::string js_tests(std::string_view tests) {
  std::string out(tests);
  size_t at = out.find(kJsTest);
  out.replace(at, kJsTest.size(), "const test = function () {");
  return out;
}

}  // namespace

std::string proof_problem(std::string_view lang, std::string_view tests) {
  if (lang == "rs") {
    size_t main = tests.find(kRustMain);
    if (main == std::string_view::npos) return "its tests have no `fn main() {`";
    if (tests.rfind('}') < main) return "its tests do not close `fn main`";
  } else if (lang == "js") {
    if (tests.find(kJsTest) == std::string_view::npos)
      return "its tests have no `function test() {`";
    if (tests.find(kJsCall) == std::string_view::npos) return "its tests never call test()";
  }
  return "";
}

ProofPlan plan_proof(std::string_view lang, std::string_view tests) {
  ProofPlan plan;
  plan.secret = new_secret();
  plan.extras.stdin_data = plan.secret + "\n";
  plan.extras.verdict_channel = true;
  if (lang == "rs") {
    plan.tests = rust_tests(tests);
  } else if (lang == "java") {
    plan.tests = std::string(tests);
    plan.extras.sources = {{"MultiplEVerdict.java", kJavaWrapper, false}};
    plan.extras.entry = "MultiplEVerdict";
  } else {
    plan.tests = js_tests(tests);
    plan.extras.sources = {{"verdict.js", kJsWrapper, false}};
    plan.extras.entry = "verdict.js";
  }
  return plan;
}

bool proof_returned(const sandbox::SandboxResult& run, const ProofPlan& plan) {
  // Anything else on the channel is the candidate's noise; only the secret's line counts.
  std::string_view data = run.verdict_data;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string_view::npos) break;
    if (data.substr(start, end - start) == plan.secret) return true;
    start = end + 1;
  }
  return false;
}

std::string rust_pre_main_construct(std::string_view code) {
  for (const char* construct :
       {"link_section", "global_asm", "no_mangle", "export_name"}) {
    if (code.find(construct) != std::string_view::npos) return construct;
  }
  return "";
}

}  // namespace harness::benches::multipl_e
