// Shared by every CUDA file, host side: error checking, the element types, small helpers.
// Host-only translation units (*.cpp, compiled by the C++ compiler) include this; kernels
// include device.cuh as well. Activations stay fp32 on the GPU (the next issue narrows
// them); weights are bf16.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <string>

#include "engine/error.h"

namespace engine::cuda {

using bf16 = __nv_bfloat16;

// KV cache element: fp32 for now so that the comparison with the fp32 CPU reference only
// sees summation-order differences; switching to bf16 is one line here.
using kv_t = float;

inline void check(cudaError_t err, const char* what, const char* file, int line) {
  if (err != cudaSuccess)
    throw EngineError(std::string("CUDA error in ") + what + " at " + file + ":" + std::to_string(line) + ": " +
                      cudaGetErrorString(err) + "; run under compute-sanitizer to locate it.");
}
#define CUDA_CHECK(call) ::engine::cuda::check((call), #call, __FILE__, __LINE__)
// After a kernel launch: catches bad launch configurations at once (not asynchronous faults).
#define CUDA_CHECK_LAUNCH() ::engine::cuda::check(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)

inline int ceil_div(long a, long b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace engine::cuda
