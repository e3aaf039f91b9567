// The daemon's JSON API (harness/DAEMON.md): routes, strict validation of bodies and
// queries, and the answers, built from the same report and compare functions as the CLI.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/daemon_http.h"
#include "harness/daemon_queue.h"

namespace harness {

// A 4xx answer decided while validating a request.
struct ApiError : std::runtime_error {
  ApiError(int status, const std::string& message) : std::runtime_error(message), status(status) {}
  int status;
};

// Parses the body of POST /api/runs. Unknown fields, wrong types, values past the
// daemon's bounds and targets that name files outside the data dir throw ApiError(400)
// naming the field; an endpoint the operator did not allow throws ApiError(403).
NewRunRequest parse_submit_body(const std::string& body, const QueueOptions& options);

class DaemonApi {
 public:
  explicit DaemonApi(RunQueue& queue);
  ~DaemonApi();
  DaemonApi(const DaemonApi&) = delete;
  DaemonApi& operator=(const DaemonApi&) = delete;

  // The HttpHandler. Store reads run on the calling IO thread (read-only connections never
  // wait for the writer); submit, cancel and resume run on a small pool of their own.
  void handle(HttpRequest request, Respond respond);

  // Paths served without the token.
  static bool is_public(const std::string& method, const std::string& path);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness
