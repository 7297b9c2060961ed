#pragma once
// The GPU profiler's CUDA helpers (private to gpu/, compiled by nvcc only): status checks that
// throw, device memory, the cuDNN and cuBLAS handles of one run, tensor descriptors, device
// weights and the launchers of the two elementwise kernels of our own.

#include "core/dnn/dnn.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace coinfer::gpu::detail {

/// Thrown inside the profiler; every public function turns it into an Error.
struct DeviceFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline void check(cudaError_t status, const char* what)
{
    if (status != cudaSuccess)
        throw DeviceFailure(std::string(what) + ": " + cudaGetErrorString(status));
}

inline void check(cudnnStatus_t status, const char* what)
{
    if (status != CUDNN_STATUS_SUCCESS)
        throw DeviceFailure(std::string(what) + ": " + cudnnGetErrorString(status));
}

inline void check(cublasStatus_t status, const char* what)
{
    if (status != CUBLAS_STATUS_SUCCESS)
        throw DeviceFailure(std::string(what) + ": cuBLAS status " + std::to_string(static_cast<int>(status)));
}

/// Blocks for an elementwise kernel over @p count values: one thread per value up to a cap,
/// beyond which the grid-stride loops take several each.
inline unsigned elementwiseBlocks(long long count, int threads)
{
    constexpr long long kMaxBlocks = 65535;
    return static_cast<unsigned>(std::clamp<long long>((count + threads - 1) / threads, 1, kMaxBlocks));
}

/// Device memory owned by RAII.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(size_t floats) { resize(floats); }
    ~DeviceBuffer() { release(); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept : m_data(other.m_data), m_floats(other.m_floats)
    {
        other.m_data = nullptr;
        other.m_floats = 0;
    }

    void resize(size_t floats)
    {
        if (floats <= m_floats)
            return;
        release();
        check(cudaMalloc(reinterpret_cast<void**>(&m_data), std::max<size_t>(floats, 1) * sizeof(float)), "cudaMalloc");
        m_floats = floats;
    }
    void upload(const std::vector<float>& values)
    {
        resize(values.size());
        if (!values.empty())
            check(cudaMemcpy(m_data, values.data(), values.size() * sizeof(float), cudaMemcpyHostToDevice),
                  "cudaMemcpy to device");
    }
    float* data() const { return m_data; }

private:
    void release()
    {
        if (m_data)
            cudaFree(m_data);
        m_data = nullptr;
        m_floats = 0;
    }
    float* m_data = nullptr;
    size_t m_floats = 0;
};

/// cuDNN and cuBLAS handles for one run, bound to one stream of their own (a CUDA graph cannot
/// be captured from the legacy default stream).
class Libraries {
public:
    explicit Libraries(bool allowTf32)
    {
        check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        check(cudnnCreate(&cudnn), "cudnnCreate");
        check(cudnnSetStream(cudnn, stream), "cudnnSetStream");
        check(cublasCreate(&cublas), "cublasCreate");
        check(cublasSetStream(cublas, stream), "cublasSetStream");
        // A workspace of our own, so that cuBLAS allocates nothing while a graph is captured.
        m_cublasWorkspace.resize(kCublasWorkspaceBytes / sizeof(float));
        check(cublasSetWorkspace(cublas, m_cublasWorkspace.data(), kCublasWorkspaceBytes), "cublasSetWorkspace");
        check(cublasSetMathMode(cublas, allowTf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        mathType = allowTf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
    }
    ~Libraries()
    {
        cublasDestroy(cublas);
        cudnnDestroy(cudnn);
        cudaStreamDestroy(stream);
    }
    Libraries(const Libraries&) = delete;
    Libraries& operator=(const Libraries&) = delete;

    cudaStream_t stream = nullptr;
    cudnnHandle_t cudnn = nullptr;
    cublasHandle_t cublas = nullptr;
    cudnnMathType_t mathType = CUDNN_DEFAULT_MATH;

private:
    static constexpr size_t kCublasWorkspaceBytes = size_t{32} << 20;
    DeviceBuffer m_cublasWorkspace;
};

/// A 4-D NCHW FP32 tensor descriptor of @p n samples of @p shape; the caller destroys it.
inline cudnnTensorDescriptor_t makeTensor(int n, const TensorShape& shape)
{
    cudnnTensorDescriptor_t desc;
    check(cudnnCreateTensorDescriptor(&desc), "cudnnCreateTensorDescriptor");
    check(cudnnSetTensor4dDescriptor(desc, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, shape.c, shape.h, shape.w),
          "cudnnSetTensor4dDescriptor");
    return desc;
}

/// y[i] = min(max(x[i], low), high) for i < count on @p stream; x may be y.
void launchClip(const float* x, float* y, long long count, float low, float high, cudaStream_t stream);
/// y[i] = x[i] * clamp(x[i] + 3, 0, 6) / 6 (ONNX HardSwish) for i < count on @p stream; x may be y.
void launchHardSwish(const float* x, float* y, long long count, cudaStream_t stream);

} // namespace coinfer::gpu::detail
