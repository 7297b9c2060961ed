// The two elementwise kernels of our own, for what cuDNN lacks: clip with a lower bound other
// than 0, and hardswish. Grid-stride loops over 64-bit indices.
#include "gpu/cudasupport.h"

namespace coinfer::gpu::detail {
namespace {

/// y[i] = min(max(x[i], low), high) for i < count; x may be y. Grid-stride, 64-bit indices
/// (a batch of tensors at the element limit passes 2^31).
__global__ void clipKernel(const float* x, float* y, long long count, float low, float high)
{
    const long long stride = static_cast<long long>(blockDim.x) * gridDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride)
        y[i] = fminf(fmaxf(x[i], low), high);
}

/// y[i] = x[i] * clamp(x[i] + 3, 0, 6) / 6 (ONNX HardSwish) for i < count; x may be y.
__global__ void hardSwishKernel(const float* x, float* y, long long count)
{
    const long long stride = static_cast<long long>(blockDim.x) * gridDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
        const float v = x[i];
        y[i] = v * fminf(fmaxf(v + 3.0f, 0.0f), 6.0f) / 6.0f;
    }
}

} // namespace

void launchClip(const float* x, float* y, long long count, float low, float high, cudaStream_t stream)
{
    constexpr int kThreads = 256;
    clipKernel<<<elementwiseBlocks(count, kThreads), kThreads, 0, stream>>>(x, y, count, low, high);
    check(cudaGetLastError(), "clipKernel");
}

void launchHardSwish(const float* x, float* y, long long count, cudaStream_t stream)
{
    constexpr int kThreads = 256;
    hardSwishKernel<<<elementwiseBlocks(count, kThreads), kThreads, 0, stream>>>(x, y, count);
    check(cudaGetLastError(), "hardSwishKernel");
}

} // namespace coinfer::gpu::detail
