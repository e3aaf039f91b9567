// y = x · Wᵀ with bf16 weights [out, in] and fp32 activations/accumulation, plain and
// grouped (one weight matrix per expert over the rows routed to it). Two kernels:
// - few rows (decode, ≤ kGemvRows per group): one warp per output, 16-byte weight loads;
//   the weight is read once, which is what bounds decode;
// - many rows (prefill): a shared-memory tiled kernel, 64×64 outputs per block.
// Simple and correct first; tensor cores come with the next issue.
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

struct MatmulArgs {
  float* y;
  const float* x;
  const bf16* w;
  size_t w_group_stride;  // elements between consecutive groups' matrices
  const int* offsets;     // [groups+1] or nullptr (one group of `rows`)
  const int* x_rows;      // sorted row → x row, or nullptr
  const int* y_rows;      // sorted row → y row, or nullptr
  int rows, in, out;
};

struct GroupRows {
  int begin, count;
};
__device__ __forceinline__ GroupRows group_rows(const MatmulArgs& a, int g) {
  if (!a.offsets) return {0, a.rows};
  return {a.offsets[g], a.offsets[g + 1] - a.offsets[g]};
}
__device__ __forceinline__ size_t x_row(const MatmulArgs& a, int r) { return a.x_rows ? a.x_rows[r] : r; }
__device__ __forceinline__ size_t y_row(const MatmulArgs& a, int r) { return a.y_rows ? a.y_rows[r] : r; }

constexpr int kGemvRows = 8;
constexpr int kGemvWarps = 8;

// grid (ceil(out / kGemvWarps), groups); each warp computes one output for all rows of the group.
__global__ void gemv_kernel(MatmulArgs a) {
  int g = blockIdx.y;
  GroupRows gr = group_rows(a, g);
  int o = blockIdx.x * kGemvWarps + threadIdx.x / 32, lane = threadIdx.x % 32;
  if (gr.count == 0 || o >= a.out) return;
  const bf16* wrow = a.w + g * a.w_group_stride + static_cast<size_t>(o) * a.in;
  const float* xr[kGemvRows];
#pragma unroll
  for (int r = 0; r < kGemvRows; ++r) xr[r] = a.x + x_row(a, gr.begin + min(r, gr.count - 1)) * a.in;
  float acc[kGemvRows] = {};
  if (a.in % 8 == 0) {
    for (int i = lane * 8; i < a.in; i += 32 * 8) {
      uint4 raw = *reinterpret_cast<const uint4*>(wrow + i);
      const bf16* wv = reinterpret_cast<const bf16*>(&raw);
      float wf[8];
#pragma unroll
      for (int j = 0; j < 8; ++j) wf[j] = to_f32(wv[j]);
#pragma unroll
      for (int r = 0; r < kGemvRows; ++r) {
        if (r < gr.count) {
          float4 x0 = *reinterpret_cast<const float4*>(xr[r] + i);
          float4 x1 = *reinterpret_cast<const float4*>(xr[r] + i + 4);
          acc[r] += wf[0] * x0.x + wf[1] * x0.y + wf[2] * x0.z + wf[3] * x0.w + wf[4] * x1.x + wf[5] * x1.y +
                    wf[6] * x1.z + wf[7] * x1.w;
        }
      }
    }
  } else {
    for (int i = lane; i < a.in; i += 32) {
      float wf = to_f32(wrow[i]);
#pragma unroll
      for (int r = 0; r < kGemvRows; ++r)
        if (r < gr.count) acc[r] += wf * xr[r][i];
    }
  }
#pragma unroll
  for (int r = 0; r < kGemvRows; ++r) {
    float s = warp_sum(acc[r]);
    if (lane == 0 && r < gr.count) a.y[y_row(a, gr.begin + r) * a.out + o] = s;
  }
}

constexpr int kBM = 64, kBN = 64, kBK = 16, kTileThreads = 256;

// grid (ceil(out / kBN), ceil(max_rows / kBM), groups); each thread owns a 4×4 block of outputs.
__global__ void __launch_bounds__(kTileThreads) tiled_kernel(MatmulArgs a) {
  int g = blockIdx.z;
  GroupRows gr = group_rows(a, g);
  int m0 = blockIdx.y * kBM, n0 = blockIdx.x * kBN;
  if (m0 >= gr.count) return;
  const bf16* w = a.w + g * a.w_group_stride;
  __shared__ float xs[kBK][kBM + 4];
  __shared__ float ws[kBK][kBN + 4];
  __shared__ size_t xrow[kBM];
  int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  for (int r = tid; r < kBM; r += kTileThreads) xrow[r] = m0 + r < gr.count ? x_row(a, gr.begin + m0 + r) : 0;
  __syncthreads();
  float acc[4][4] = {};
  for (int k0 = 0; k0 < a.in; k0 += kBK) {
    for (int i = tid; i < kBM * kBK; i += kTileThreads) {
      int r = i / kBK, kk = i % kBK;
      bool ok = m0 + r < gr.count && k0 + kk < a.in;
      xs[kk][r] = ok ? a.x[xrow[r] * a.in + k0 + kk] : 0.0f;
    }
    for (int i = tid; i < kBN * kBK; i += kTileThreads) {
      int c = i / kBK, kk = i % kBK;
      bool ok = n0 + c < a.out && k0 + kk < a.in;
      ws[kk][c] = ok ? to_f32(w[static_cast<size_t>(n0 + c) * a.in + k0 + kk]) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kBK; ++kk) {
      float xf[4], wf[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) xf[i] = xs[kk][ty * 4 + i];
#pragma unroll
      for (int j = 0; j < 4; ++j) wf[j] = ws[kk][tx * 4 + j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] += xf[i] * wf[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    int r = m0 + ty * 4 + i;
    if (r >= gr.count) continue;
    size_t yr = y_row(a, gr.begin + r);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      int c = n0 + tx * 4 + j;
      if (c < a.out) a.y[yr * a.out + c] = acc[i][j];
    }
  }
}

void launch(const MatmulArgs& a, int groups, int max_rows, cudaStream_t stream) {
  if (max_rows <= 0 || a.out <= 0) return;
  if (max_rows <= kGemvRows) {
    gemv_kernel<<<dim3(ceil_div(a.out, kGemvWarps), groups), kGemvWarps * 32, 0, stream>>>(a);
  } else {
    tiled_kernel<<<dim3(ceil_div(a.out, kBN), ceil_div(max_rows, kBM), groups), kTileThreads, 0, stream>>>(a);
  }
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void matmul(float* y, const float* x, const bf16* w, int rows, int in, int out, cudaStream_t stream) {
  launch(MatmulArgs{y, x, w, 0, nullptr, nullptr, nullptr, rows, in, out}, 1, rows, stream);
}

void grouped_matmul(float* y, const float* x, const bf16* w, size_t w_group_stride, int groups, const int* offsets,
                    const int* x_rows, const int* y_rows, int max_rows, int in, int out, cudaStream_t stream) {
  launch(MatmulArgs{y, x, w, w_group_stride, offsets, x_rows, y_rows, 0, in, out}, groups, max_rows, stream);
}

}  // namespace engine::cuda
