// The CUDA implementation of the profiler: cuDNN for convolutions (grouped and depthwise too),
// batch norm, relu, relu6 and sigmoid, pooling and residual additions; cuBLAS for fully
// connected layers; two small kernels of our own for clip and hardswish (cuDNN's clipped relu
// has no lower bound other than 0); cudaMemcpy2DAsync for the channel slices of a
// concatenation. All layers run in NCHW FP32; sub-task outputs stay on the device.

#include "gpu/profiler.h"

#include "core/io/dnnio.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>
#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>

namespace coinfer::gpu {
namespace {

/// Thrown inside this file; every public function turns it into an Error.
struct DeviceFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void check(cudaError_t status, const char* what)
{
    if (status != cudaSuccess)
        throw DeviceFailure(std::string(what) + ": " + cudaGetErrorString(status));
}

void check(cudnnStatus_t status, const char* what)
{
    if (status != CUDNN_STATUS_SUCCESS)
        throw DeviceFailure(std::string(what) + ": " + cudnnGetErrorString(status));
}

void check(cublasStatus_t status, const char* what)
{
    if (status != CUBLAS_STATUS_SUCCESS)
        throw DeviceFailure(std::string(what) + ": cuBLAS status " + std::to_string(static_cast<int>(status)));
}

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

/// Blocks for an elementwise kernel over @p count values: one thread per value up to a cap,
/// beyond which the grid-stride loops take several each.
unsigned elementwiseBlocks(long long count, int threads)
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
    DeviceBuffer(DeviceBuffer&& other) noexcept : m_data(other.m_data), m_floats(other.m_floats) { other.m_data = nullptr; other.m_floats = 0; }

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
            check(cudaMemcpy(m_data, values.data(), values.size() * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy to device");
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

cudnnTensorDescriptor_t makeTensor(int n, const TensorShape& shape)
{
    cudnnTensorDescriptor_t desc;
    check(cudnnCreateTensorDescriptor(&desc), "cudnnCreateTensorDescriptor");
    check(cudnnSetTensor4dDescriptor(desc, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, shape.c, shape.h, shape.w),
          "cudnnSetTensor4dDescriptor");
    return desc;
}

/// Weights of one layer on the device.
struct DeviceWeights {
    DeviceBuffer weights, bias, scale, shift, mean, variance;
};

/// One prepared layer call for a fixed batch size: descriptors, algorithm and buffers.
struct Step {
    const Layer* layer = nullptr;
    const DeviceWeights* weights = nullptr;
    TensorShape in, out;
    int input = 0, output = 0;   // buffer slots
    cudnnTensorDescriptor_t inDesc = nullptr, outDesc = nullptr, paramDesc = nullptr;
    cudnnFilterDescriptor_t filterDesc = nullptr;
    cudnnConvolutionDescriptor_t convDesc = nullptr;
    cudnnConvolutionFwdAlgo_t algorithm = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
    cudnnActivationDescriptor_t activationDesc = nullptr;
    cudnnPoolingDescriptor_t poolDesc = nullptr;
    bool addSlot = false;        // a residual addition: output += slot `input`
    bool copySlot = false;       // a concatenation: slot `input` (shape `in`) into channels
    int channelOffset = 0;       // [channelOffset, channelOffset + in.c) of slot `output` (shape `out`)
};

/// A sub-task prepared for one batch size: the steps in order and the buffers they use.
class SubtaskRunner {
public:
    SubtaskRunner(Libraries& libraries, const DnnDescription& dnn, int subtask, int batch,
                  const std::vector<DeviceWeights>& weights)
        : m_libraries(libraries), m_batch(batch)
    {
        TensorShape shape = subtaskInputShape(dnn, subtask);
        m_inputShape = shape;
        size_t largest = static_cast<size_t>(shape.elements());
        size_t next = 0;
        int current = kInputSlot;
        for (const Block& block : dnn.subtasks[static_cast<size_t>(subtask)].blocks) {
            const int blockInput = current;
            const TensorShape blockShape = shape;
            if (block.concatenates()) {
                current = addConcatenation(block, weights, next, shape, blockInput, largest);
                continue;
            }
            for (const Layer& layer : block.layers)
                current = addLayer(layer, &weights[next++], shape, current, {blockInput}, largest);
            if (!block.residual)
                continue;
            int side = blockInput;
            TensorShape sideShape = blockShape;
            for (const Layer& layer : block.shortcut)
                side = addLayer(layer, &weights[next++], sideShape, side, {current}, largest);
            Step add;
            add.in = add.out = shape;
            add.input = side;
            add.output = current;
            add.addSlot = true;
            add.inDesc = makeTensor(batch, shape);
            add.outDesc = makeTensor(batch, shape);
            m_steps.push_back(add);
            for (const Layer& layer : block.afterAdd)
                current = addLayer(layer, &weights[next++], shape, current, {}, largest);
        }
        m_outputSlot = current;
        m_outputShape = shape;
        for (DeviceBuffer& slot : m_slots)
            slot.resize(largest * static_cast<size_t>(batch));
        if (m_workspaceBytes > 0)
            m_workspace.resize((m_workspaceBytes + sizeof(float) - 1) / sizeof(float));
    }

    ~SubtaskRunner()
    {
        for (Step& step : m_steps) {
            if (step.inDesc) cudnnDestroyTensorDescriptor(step.inDesc);
            if (step.outDesc) cudnnDestroyTensorDescriptor(step.outDesc);
            if (step.paramDesc) cudnnDestroyTensorDescriptor(step.paramDesc);
            if (step.filterDesc) cudnnDestroyFilterDescriptor(step.filterDesc);
            if (step.convDesc) cudnnDestroyConvolutionDescriptor(step.convDesc);
            if (step.activationDesc) cudnnDestroyActivationDescriptor(step.activationDesc);
            if (step.poolDesc) cudnnDestroyPoolingDescriptor(step.poolDesc);
        }
    }
    SubtaskRunner(const SubtaskRunner&) = delete;
    SubtaskRunner& operator=(const SubtaskRunner&) = delete;

    float* input() { return m_slots[kInputSlot].data(); }
    /// Copies @p samples (batch x input shape) into the input buffer and waits until they are there.
    void upload(const std::vector<float>& samples)
    {
        check(cudaMemcpy(input(), samples.data(), samples.size() * sizeof(float), cudaMemcpyHostToDevice), "input upload");
        // A pageable copy may still be in flight when cudaMemcpy returns, and our stream does not wait for it.
        check(cudaDeviceSynchronize(), "input upload");
    }
    float* output() { return m_slots[static_cast<size_t>(m_outputSlot)].data(); }
    const TensorShape& inputShape() const { return m_inputShape; }
    const TensorShape& outputShape() const { return m_outputShape; }

    /// Enqueues the whole sub-task on the default stream.
    void run()
    {
        const float one = 1.0f, zero = 0.0f;
        for (const Step& step : m_steps) {
            float* x = m_slots[static_cast<size_t>(step.input)].data();
            float* y = m_slots[static_cast<size_t>(step.output)].data();
            if (step.addSlot) {
                check(cudnnAddTensor(m_libraries.cudnn, &one, step.inDesc, x, &one, step.outDesc, y), "cudnnAddTensor (residual)");
                continue;
            }
            if (step.copySlot) {
                // Sample n's part is in.elements() floats at x + n * in.elements(); it goes to
                // y + n * out.elements() + channelOffset * h * w: rows of equal width, one per sample.
                const size_t plane = static_cast<size_t>(step.out.h) * static_cast<size_t>(step.out.w);
                const size_t partBytes = static_cast<size_t>(step.in.elements()) * sizeof(float);
                const size_t wholeBytes = static_cast<size_t>(step.out.elements()) * sizeof(float);
                check(cudaMemcpy2DAsync(y + static_cast<size_t>(step.channelOffset) * plane, wholeBytes, x, partBytes, partBytes,
                                        static_cast<size_t>(m_batch), cudaMemcpyDeviceToDevice, m_libraries.stream),
                      "cudaMemcpy2DAsync (concatenation)");
                continue;
            }
            switch (step.layer->kind) {
            case LayerKind::Conv:
                check(cudnnConvolutionForward(m_libraries.cudnn, &one, step.inDesc, x, step.filterDesc, step.weights->weights.data(),
                                              step.convDesc, step.algorithm, m_workspace.data(), m_workspaceBytes, &zero,
                                              step.outDesc, y),
                      "cudnnConvolutionForward");
                if (step.layer->bias)
                    check(cudnnAddTensor(m_libraries.cudnn, &one, step.paramDesc, step.weights->bias.data(), &one, step.outDesc, y),
                          "cudnnAddTensor (bias)");
                break;
            case LayerKind::BatchNorm:
                check(cudnnBatchNormalizationForwardInference(m_libraries.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, step.inDesc, x,
                                                              step.outDesc, y, step.paramDesc, step.weights->scale.data(),
                                                              step.weights->shift.data(), step.weights->mean.data(),
                                                              step.weights->variance.data(), 1e-5),
                      "cudnnBatchNormalizationForwardInference");
                break;
            case LayerKind::Relu:
            case LayerKind::Relu6:
            case LayerKind::Sigmoid:
                check(cudnnActivationForward(m_libraries.cudnn, step.activationDesc, &one, step.inDesc, x, &zero, step.outDesc, y),
                      "cudnnActivationForward");
                break;
            case LayerKind::Clip:
            case LayerKind::HardSwish: {
                const long long count = step.out.elements() * m_batch;
                constexpr int kThreads = 256;
                if (step.layer->kind == LayerKind::Clip)
                    clipKernel<<<elementwiseBlocks(count, kThreads), kThreads, 0, m_libraries.stream>>>(
                        x, y, count, static_cast<float>(step.layer->clipMin), static_cast<float>(step.layer->clipMax));
                else
                    hardSwishKernel<<<elementwiseBlocks(count, kThreads), kThreads, 0, m_libraries.stream>>>(x, y, count);
                check(cudaGetLastError(), step.layer->kind == LayerKind::Clip ? "clipKernel" : "hardSwishKernel");
                break;
            }
            case LayerKind::MaxPool:
            case LayerKind::AvgPool:
            case LayerKind::GlobalAvgPool:
                check(cudnnPoolingForward(m_libraries.cudnn, step.poolDesc, &one, step.inDesc, x, &zero, step.outDesc, y),
                      "cudnnPoolingForward");
                break;
            case LayerKind::Flatten:
                break;
            case LayerKind::Linear: {
                const int in = static_cast<int>(step.in.elements()), out = step.out.c;
                // Row-major Y[b][out] = X[b][in] W[out][in]^T, i.e. column-major Y^T = W^T^T X^T.
                check(cublasSgemm(m_libraries.cublas, CUBLAS_OP_T, CUBLAS_OP_N, out, m_batch, in, &one, step.weights->weights.data(),
                                  in, x, in, &zero, y, out),
                      "cublasSgemm");
                if (step.layer->bias)
                    check(cudnnAddTensor(m_libraries.cudnn, &one, step.paramDesc, step.weights->bias.data(), &one, step.outDesc, y),
                          "cudnnAddTensor (bias)");
                break;
            }
            }
        }
    }

private:
    static constexpr int kInputSlot = 0;
    /// Slots to start with; a concatenation block can need more (freeSlot adds them).
    static constexpr int kSlots = 4;

    static bool elementwise(LayerKind kind)
    {
        return kind == LayerKind::Relu || kind == LayerKind::Relu6 || kind == LayerKind::Clip || kind == LayerKind::HardSwish
            || kind == LayerKind::Sigmoid;
    }

    /// Adds a concatenation block whose input is in slot @p blockInput: the block's layers and
    /// then each branch run from that input into slots of their own, and each part is copied
    /// into its channel slice of one output slot; then after_add runs on it. Returns the slot
    /// of the block's output; @p next advances over the weights used.
    int addConcatenation(const Block& block, const std::vector<DeviceWeights>& weights, size_t& next, TensorShape& shape,
                         int blockInput, size_t& largest)
    {
        const TensorShape blockShape = shape;
        // The parts' shapes first, to size the output and reserve its slot before any part runs.
        TensorShape joined = blockShape;
        for (const Layer& layer : block.layers)
            joined = *layerOutput(layer, joined);
        for (const std::vector<Layer>& branch : block.branches) {
            TensorShape side = blockShape;
            for (const Layer& layer : branch)
                side = *layerOutput(layer, side);
            joined.c += side.c;
        }
        const int output = freeSlot(blockInput, {});
        largest = std::max(largest, static_cast<size_t>(joined.elements()));
        int channelOffset = 0;
        auto addPart = [&](const std::vector<Layer>& layers) {
            TensorShape part = blockShape;
            int slot = blockInput;
            for (const Layer& layer : layers)
                slot = addLayer(layer, &weights[next++], part, slot, {blockInput, output}, largest);
            Step copy;
            copy.in = part;
            copy.out = joined;
            copy.input = slot;
            copy.output = output;
            copy.copySlot = true;
            copy.channelOffset = channelOffset;
            m_steps.push_back(copy);
            channelOffset += part.c;
        };
        addPart(block.layers);
        for (const std::vector<Layer>& branch : block.branches)
            addPart(branch);
        shape = joined;
        int current = output;
        for (const Layer& layer : block.afterAdd)
            current = addLayer(layer, &weights[next++], shape, current, {}, largest);
        return current;
    }

    /// Adds one layer; its output goes to a slot that holds nothing still needed.
    int addLayer(const Layer& layer, const DeviceWeights* weights, TensorShape& shape, int input,
                 std::initializer_list<int> keep, size_t& largest)
    {
        const TensorShape out = *layerOutput(layer, shape);
        Step step;
        step.layer = &layer;
        step.weights = weights;
        step.in = shape;
        step.out = out;
        step.input = input;
        if (layer.kind == LayerKind::Flatten) {
            step.output = input; // same memory, new shape
        } else if (elementwise(layer.kind)) {
            // In place, but never over the sub-task's input nor over a tensor still needed (a
            // block's input that a shortcut or a branch reads later).
            const bool needed = input == kInputSlot || std::find(keep.begin(), keep.end(), input) != keep.end();
            step.output = needed ? freeSlot(input, keep) : input;
        } else {
            step.output = freeSlot(input, keep);
        }
        const int n = m_batch;
        step.inDesc = makeTensor(n, shape);
        step.outDesc = makeTensor(n, out);
        switch (layer.kind) {
        case LayerKind::Conv: {
            check(cudnnCreateFilterDescriptor(&step.filterDesc), "cudnnCreateFilterDescriptor");
            check(cudnnSetFilter4dDescriptor(step.filterDesc, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, layer.outChannels,
                                             shape.c / layer.groups, layer.kernel, layer.kernel),
                  "cudnnSetFilter4dDescriptor");
            check(cudnnCreateConvolutionDescriptor(&step.convDesc), "cudnnCreateConvolutionDescriptor");
            check(cudnnSetConvolution2dDescriptor(step.convDesc, layer.padding, layer.padding, layer.stride, layer.stride, 1, 1,
                                                  CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                  "cudnnSetConvolution2dDescriptor");
            check(cudnnSetConvolutionGroupCount(step.convDesc, layer.groups), "cudnnSetConvolutionGroupCount");
            check(cudnnSetConvolutionMathType(step.convDesc, m_libraries.mathType), "cudnnSetConvolutionMathType");
            std::array<cudnnConvolutionFwdAlgoPerf_t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT> candidates{};
            int found = 0;
            check(cudnnGetConvolutionForwardAlgorithm_v7(m_libraries.cudnn, step.inDesc, step.filterDesc, step.convDesc, step.outDesc,
                                                         static_cast<int>(candidates.size()), &found, candidates.data()),
                  "cudnnGetConvolutionForwardAlgorithm_v7");
            bool chosen = false;
            for (int i = 0; i < found && !chosen; ++i) {
                if (candidates[static_cast<size_t>(i)].status != CUDNN_STATUS_SUCCESS)
                    continue;
                if (m_libraries.mathType == CUDNN_FMA_MATH && candidates[static_cast<size_t>(i)].mathType != CUDNN_FMA_MATH
                    && candidates[static_cast<size_t>(i)].mathType != CUDNN_DEFAULT_MATH)
                    continue;
                step.algorithm = candidates[static_cast<size_t>(i)].algo;
                chosen = true;
            }
            if (!chosen)
                throw DeviceFailure("cuDNN offers no forward algorithm for a " + std::to_string(layer.kernel) + "x"
                                    + std::to_string(layer.kernel) + " convolution");
            size_t bytes = 0;
            check(cudnnGetConvolutionForwardWorkspaceSize(m_libraries.cudnn, step.inDesc, step.filterDesc, step.convDesc, step.outDesc,
                                                          step.algorithm, &bytes),
                  "cudnnGetConvolutionForwardWorkspaceSize");
            m_workspaceBytes = std::max(m_workspaceBytes, bytes);
            if (layer.bias)
                step.paramDesc = makeTensor(1, {out.c, 1, 1});
            break;
        }
        case LayerKind::BatchNorm:
            step.paramDesc = makeTensor(1, {shape.c, 1, 1});
            break;
        case LayerKind::Relu:
        case LayerKind::Relu6:
        case LayerKind::Sigmoid: {
            const cudnnActivationMode_t mode = layer.kind == LayerKind::Relu    ? CUDNN_ACTIVATION_RELU
                                               : layer.kind == LayerKind::Relu6 ? CUDNN_ACTIVATION_CLIPPED_RELU
                                                                                : CUDNN_ACTIVATION_SIGMOID;
            check(cudnnCreateActivationDescriptor(&step.activationDesc), "cudnnCreateActivationDescriptor");
            // The coefficient is relu6's ceiling; relu and sigmoid ignore it.
            check(cudnnSetActivationDescriptor(step.activationDesc, mode, CUDNN_PROPAGATE_NAN, 6.0), "cudnnSetActivationDescriptor");
            break;
        }
        case LayerKind::Clip:
        case LayerKind::HardSwish:
            break;
        case LayerKind::MaxPool:
        case LayerKind::AvgPool:
        case LayerKind::GlobalAvgPool: {
            check(cudnnCreatePoolingDescriptor(&step.poolDesc), "cudnnCreatePoolingDescriptor");
            const bool global = layer.kind == LayerKind::GlobalAvgPool;
            const cudnnPoolingMode_t mode = layer.kind == LayerKind::MaxPool ? CUDNN_POOLING_MAX
                                                                             : CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
            check(cudnnSetPooling2dDescriptor(step.poolDesc, mode, CUDNN_PROPAGATE_NAN, global ? shape.h : layer.kernel,
                                              global ? shape.w : layer.kernel, global ? 0 : layer.padding, global ? 0 : layer.padding,
                                              global ? 1 : layer.stride, global ? 1 : layer.stride),
                  "cudnnSetPooling2dDescriptor");
            break;
        }
        case LayerKind::Linear:
            if (layer.bias)
                step.paramDesc = makeTensor(1, {out.c, 1, 1});
            break;
        case LayerKind::Flatten:
            break;
        }
        largest = std::max(largest, static_cast<size_t>(out.elements()));
        m_steps.push_back(step);
        shape = out;
        return step.output;
    }

    /// The first slot other than the sub-task's input, @p input and @p keep; a new one when all
    /// are taken (only concatenation blocks hold more than three tensors at once).
    int freeSlot(int input, std::initializer_list<int> keep)
    {
        const int count = static_cast<int>(m_slots.size());
        for (int slot = 1; slot < count; ++slot)
            if (slot != input && std::find(keep.begin(), keep.end(), slot) == keep.end())
                return slot;
        m_slots.emplace_back();
        return count;
    }

    Libraries& m_libraries;
    int m_batch;
    std::vector<Step> m_steps;
    std::vector<DeviceBuffer> m_slots = std::vector<DeviceBuffer>(kSlots);
    DeviceBuffer m_workspace;
    size_t m_workspaceBytes = 0;
    int m_outputSlot = 0;
    TensorShape m_inputShape, m_outputShape;
};

std::vector<DeviceWeights> uploadWeights(const std::vector<LayerWeights>& host)
{
    std::vector<DeviceWeights> device(host.size());
    for (size_t i = 0; i < host.size(); ++i) {
        device[i].weights.upload(host[i].weights);
        device[i].bias.upload(host[i].bias);
        device[i].scale.upload(host[i].scale);
        device[i].shift.upload(host[i].shift);
        device[i].mean.upload(host[i].mean);
        device[i].variance.upload(host[i].variance);
    }
    return device;
}

std::string versionText(int version, int majorDivisor, int minorDivisor)
{
    return std::to_string(version / majorDivisor) + "." + std::to_string((version % majorDivisor) / minorDivisor);
}

/// The display driver's version (e.g. "580.159.04") from NVML, loaded at run time so that the
/// build needs no NVML; empty if it cannot be read.
std::string nvmlDriverVersion()
{
    void* nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!nvml)
        return {};
    using Call = int (*)();
    using VersionCall = int (*)(char*, unsigned);
    const auto init = reinterpret_cast<Call>(dlsym(nvml, "nvmlInit_v2"));
    const auto version = reinterpret_cast<VersionCall>(dlsym(nvml, "nvmlSystemGetDriverVersion"));
    const auto shutdown = reinterpret_cast<Call>(dlsym(nvml, "nvmlShutdown"));
    std::string text;
    if (init && version && shutdown && init() == 0) {
        char buffer[96] = {};
        if (version(buffer, sizeof buffer) == 0)
            text = buffer;
        shutdown();
    }
    dlclose(nvml);
    return text;
}

GpuInfo readGpuInfo()
{
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    if (count == 0)
        throw DeviceFailure("no CUDA device");
    cudaDeviceProp properties{};
    check(cudaGetDeviceProperties(&properties, 0), "cudaGetDeviceProperties");
    GpuInfo info;
    info.name = properties.name;
    info.computeCapability = std::to_string(properties.major) + "." + std::to_string(properties.minor);
    int driver = 0, runtime = 0;
    check(cudaDriverGetVersion(&driver), "cudaDriverGetVersion");
    check(cudaRuntimeGetVersion(&runtime), "cudaRuntimeGetVersion");
    const std::string display = nvmlDriverVersion();
    info.driverVersion = (display.empty() ? "" : display + ", ") + "CUDA " + versionText(driver, 1000, 10) + " driver API";
    info.cudaRuntimeVersion = versionText(runtime, 1000, 10);
    const size_t cudnn = cudnnGetVersion();
    info.cudnnVersion = std::to_string(cudnn / 10000) + "." + std::to_string((cudnn % 10000) / 100) + "." + std::to_string(cudnn % 100);
    int cublasMajor = 0, cublasMinor = 0, cublasPatch = 0;
    cublasGetProperty(MAJOR_VERSION, &cublasMajor);
    cublasGetProperty(MINOR_VERSION, &cublasMinor);
    cublasGetProperty(PATCH_LEVEL, &cublasPatch);
    info.cublasVersion = std::to_string(cublasMajor) + "." + std::to_string(cublasMinor) + "." + std::to_string(cublasPatch);
    return info;
}

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

/// A sub-task's runs: eager (every library call launched each time) or the replay of a CUDA
/// graph captured from one eager run after a first untimed one (which loads the kernels).
class Launcher {
public:
    Launcher(SubtaskRunner& runner, cudaStream_t stream, bool cudaGraph) : m_runner(runner), m_stream(stream)
    {
        m_runner.run();
        check(cudaStreamSynchronize(m_stream), "first run");
        if (!cudaGraph)
            return;
        cudaGraph_t graph = nullptr;
        check(cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
        try {
            m_runner.run();
        } catch (const DeviceFailure&) {
            cudaStreamEndCapture(m_stream, &graph);
            if (graph)
                cudaGraphDestroy(graph);
            throw;
        }
        check(cudaStreamEndCapture(m_stream, &graph), "cudaStreamEndCapture");
        const cudaError_t instantiated = cudaGraphInstantiate(&m_graph, graph, 0);
        cudaGraphDestroy(graph);
        check(instantiated, "cudaGraphInstantiate");
    }
    ~Launcher()
    {
        if (m_graph)
            cudaGraphExecDestroy(m_graph);
    }
    Launcher(const Launcher&) = delete;
    Launcher& operator=(const Launcher&) = delete;

    /// Enqueues one run on the stream.
    void launch()
    {
        if (m_graph)
            check(cudaGraphLaunch(m_graph, m_stream), "cudaGraphLaunch");
        else
            m_runner.run();
    }

private:
    SubtaskRunner& m_runner;
    cudaStream_t m_stream;
    cudaGraphExec_t m_graph = nullptr;
};

/// Times @p repetitions runs after @p warmup untimed ones, each between two CUDA events.
LatencySummary timeRuns(Launcher& launcher, cudaStream_t stream, int warmup, int repetitions)
{
    for (int i = 0; i < warmup; ++i)
        launcher.launch();
    check(cudaStreamSynchronize(stream), "warm-up");
    cudaEvent_t start, stop;
    check(cudaEventCreate(&start), "cudaEventCreate");
    check(cudaEventCreate(&stop), "cudaEventCreate");
    std::vector<double> samples;
    for (int i = 0; i < repetitions; ++i) {
        check(cudaEventRecord(start, stream), "cudaEventRecord");
        launcher.launch();
        check(cudaEventRecord(stop, stream), "cudaEventRecord");
        check(cudaEventSynchronize(stop), "cudaEventSynchronize");
        float ms = 0;
        check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
        samples.push_back(ms);
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return summarizeLatencies(std::move(samples));
}

/// Keeps the GPU busy for about @p milliseconds with the largest batch of the first sub-task,
/// so that timing starts at working clocks rather than idle ones.
void spinUp(Libraries& libraries, const DnnDescription& dnn, int maxBatch, std::uint64_t seed, double milliseconds)
{
    const std::vector<DeviceWeights> weights = uploadWeights(makeSubtaskWeights(dnn, 0, seed));
    SubtaskRunner runner(libraries, dnn, 0, maxBatch, weights);
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() < milliseconds) {
        runner.run();
        check(cudaStreamSynchronize(libraries.stream), "spin-up");
    }
}

Unexpected<Error> deviceError(const std::exception& failure)
{
    return Unexpected(Error{ErrorCode::NoDevice, std::string("no usable GPU: ") + failure.what()});
}

} // namespace

bool builtWithCuda() { return true; }

Expected<GpuInfo> queryGpu()
{
    try {
        return readGpuInfo();
    } catch (const DeviceFailure& failure) {
        return deviceError(failure);
    }
}

Expected<GpuProfile> profileDnn(const DnnDescription& dnn, const ProfileOptions& options)
{
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
    if (!stats)
        return Unexpected(stats.error());
    try {
        GpuProfile profile;
        profile.gpu = readGpuInfo();
        profile.dnnName = dnn.name;
        profile.dnnSignature = dnnSignature(dnn);
        profile.tool = std::string("coinfer ") + COINFER_VERSION + " profile";
        profile.precision = options.allowTf32 ? "fp32 (TF32 tensor cores allowed)" : "fp32";
        profile.warmup = options.warmup;
        profile.repetitions = options.repetitions;
        profile.launch = options.cudaGraphs ? "cuda-graph" : "eager";
        profile.measuredAt = utcNow();
        Libraries libraries(options.allowTf32);
        spinUp(libraries, dnn, options.maxBatch, options.seed, 300.0);
        const int subtasks = static_cast<int>(dnn.subtasks.size());
        const int total = subtasks * options.maxBatch;
        int done = 0;
        for (int s = 0; s < subtasks; ++s) {
            const std::vector<DeviceWeights> weights = uploadWeights(makeSubtaskWeights(dnn, s, options.seed));
            SubtaskProfile subtask;
            subtask.name = dnn.subtasks[static_cast<size_t>(s)].name;
            for (int b = 1; b <= options.maxBatch; ++b) {
                SubtaskRunner runner(libraries, dnn, s, b, weights);
                const std::vector<float> input = makeRandomInput(runner.inputShape(), b, options.seed + static_cast<std::uint64_t>(b));
                runner.upload(input);
                Launcher launcher(runner, libraries.stream, options.cudaGraphs);
                const LatencySummary summary = timeRuns(launcher, libraries.stream, options.warmup, options.repetitions);
                subtask.medianMs.push_back(summary.medianMs);
                subtask.p10Ms.push_back(summary.p10Ms);
                subtask.p90Ms.push_back(summary.p90Ms);
                if (options.progress && !options.progress(++done, total))
                    return Unexpected(Error{ErrorCode::NoDevice, "cancelled"});
            }
            subtask.affine = fitAffine(subtask.medianMs);
            profile.subtasks.push_back(std::move(subtask));
        }
        return profile;
    } catch (const DeviceFailure& failure) {
        return deviceError(failure);
    }
}

Expected<std::vector<float>> runSubtaskOnGpu(const DnnDescription& dnn, int subtask, int batch,
                                             const std::vector<float>& input, const std::vector<LayerWeights>& weights,
                                             bool cudaGraph)
{
    try {
        Libraries libraries(false);
        const std::vector<DeviceWeights> deviceWeights = uploadWeights(weights);
        SubtaskRunner runner(libraries, dnn, subtask, batch, deviceWeights);
        if (input.size() != static_cast<size_t>(runner.inputShape().elements() * batch))
            return Unexpected(Error{ErrorCode::BadInput, "the input has " + std::to_string(input.size()) + " values, the sub-task needs "
                                                  + std::to_string(runner.inputShape().elements() * batch)});
        runner.upload(input);
        const size_t outputFloats = static_cast<size_t>(runner.outputShape().elements() * batch);
        Launcher launcher(runner, libraries.stream, cudaGraph);
        if (cudaGraph) {
            // All bits set is a NaN: whatever the replay fails to write fails the check.
            check(cudaMemsetAsync(runner.output(), 0xff, outputFloats * sizeof(float), libraries.stream), "cudaMemsetAsync");
            launcher.launch();
        }
        check(cudaStreamSynchronize(libraries.stream), "run");
        std::vector<float> output(outputFloats);
        check(cudaMemcpy(output.data(), runner.output(), output.size() * sizeof(float), cudaMemcpyDeviceToHost), "output download");
        return output;
    } catch (const DeviceFailure& failure) {
        return deviceError(failure);
    }
}

} // namespace coinfer::gpu
