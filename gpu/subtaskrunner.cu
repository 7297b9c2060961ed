// A sub-task on the GPU: cuDNN for convolutions (grouped and depthwise too), batch norm, relu,
// relu6 and sigmoid, pooling and residual additions; cuBLAS for fully connected layers; our own
// kernels for clip and hardswish (cuDNN's clipped relu has no lower bound other than 0);
// cudaMemcpy2DAsync for the channel slices of a concatenation. All layers run in NCHW FP32.
#include "gpu/subtaskrunner.h"

#include <algorithm>
#include <array>
#include <string>

namespace coinfer::gpu::detail {

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

SubtaskRunner::SubtaskRunner(Libraries& libraries, const DnnDescription& dnn, int subtask, int batch,
                             const std::vector<DeviceWeights>& weights)
    : m_libraries(libraries), m_batch(batch)
{
    TensorShape shape = subtaskInputShape(dnn, subtask);
    m_inputShape = shape;
    size_t largest = static_cast<size_t>(shape.elements());
    size_t next = 0;
    int current = kInputSlot;
    for (const Block& block : dnn.subtasks[static_cast<size_t>(subtask)].blocks)
        current = block.concatenates() ? addConcatenation(block, weights, next, shape, current, largest)
                                       : addBlock(block, weights, next, shape, current, largest);
    m_outputSlot = current;
    m_outputShape = shape;
    for (DeviceBuffer& slot : m_slots)
        slot.resize(largest * static_cast<size_t>(batch));
    if (m_workspaceBytes > 0)
        m_workspace.resize((m_workspaceBytes + sizeof(float) - 1) / sizeof(float));
}

SubtaskRunner::~SubtaskRunner()
{
    for (Step& step : m_steps) {
        if (step.inDesc)
            cudnnDestroyTensorDescriptor(step.inDesc);
        if (step.outDesc)
            cudnnDestroyTensorDescriptor(step.outDesc);
        if (step.paramDesc)
            cudnnDestroyTensorDescriptor(step.paramDesc);
        if (step.filterDesc)
            cudnnDestroyFilterDescriptor(step.filterDesc);
        if (step.convDesc)
            cudnnDestroyConvolutionDescriptor(step.convDesc);
        if (step.activationDesc)
            cudnnDestroyActivationDescriptor(step.activationDesc);
        if (step.poolDesc)
            cudnnDestroyPoolingDescriptor(step.poolDesc);
    }
}

void SubtaskRunner::upload(const std::vector<float>& samples)
{
    check(cudaMemcpy(input(), samples.data(), samples.size() * sizeof(float), cudaMemcpyHostToDevice), "input upload");
    // A pageable copy may still be in flight when cudaMemcpy returns, and our stream does not wait for it.
    check(cudaDeviceSynchronize(), "input upload");
}

void SubtaskRunner::run()
{
    const float one = 1.0f;
    for (const Step& step : m_steps) {
        float* x = m_slots[static_cast<size_t>(step.input)].data();
        float* y = m_slots[static_cast<size_t>(step.output)].data();
        if (step.addSlot) {
            check(cudnnAddTensor(m_libraries.cudnn, &one, step.inDesc, x, &one, step.outDesc, y), "cudnnAddTensor (residual)");
        } else if (step.copySlot) {
            // Sample n's part is in.elements() floats at x + n * in.elements(); it goes to
            // y + n * out.elements() + channelOffset * h * w: rows of equal width, one per sample.
            const size_t plane = static_cast<size_t>(step.out.h) * static_cast<size_t>(step.out.w);
            const size_t partBytes = static_cast<size_t>(step.in.elements()) * sizeof(float);
            const size_t wholeBytes = static_cast<size_t>(step.out.elements()) * sizeof(float);
            check(cudaMemcpy2DAsync(y + static_cast<size_t>(step.channelOffset) * plane, wholeBytes, x, partBytes, partBytes,
                                    static_cast<size_t>(m_batch), cudaMemcpyDeviceToDevice, m_libraries.stream),
                  "cudaMemcpy2DAsync (concatenation)");
        } else {
            runLayer(step, x, y);
        }
    }
}

void SubtaskRunner::runLayer(const Step& step, float* x, float* y)
{
    const float one = 1.0f, zero = 0.0f;
    switch (step.layer->kind) {
    case LayerKind::Conv:
        check(cudnnConvolutionForward(m_libraries.cudnn, &one, step.inDesc, x, step.filterDesc, step.weights->weights.data(),
                                      step.convDesc, step.algorithm, m_workspace.data(), m_workspaceBytes, &zero, step.outDesc,
                                      y),
              "cudnnConvolutionForward");
        if (step.layer->bias)
            check(cudnnAddTensor(m_libraries.cudnn, &one, step.paramDesc, step.weights->bias.data(), &one, step.outDesc, y),
                  "cudnnAddTensor (bias)");
        break;
    case LayerKind::BatchNorm:
        check(cudnnBatchNormalizationForwardInference(m_libraries.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, step.inDesc, x,
                                                      step.outDesc, y, step.paramDesc, step.weights->scale.data(),
                                                      step.weights->shift.data(), step.weights->mean.data(),
                                                      step.weights->variance.data(), step.layer->epsilon),
              "cudnnBatchNormalizationForwardInference");
        break;
    case LayerKind::Relu:
    case LayerKind::Relu6:
    case LayerKind::Sigmoid:
        check(cudnnActivationForward(m_libraries.cudnn, step.activationDesc, &one, step.inDesc, x, &zero, step.outDesc, y),
              "cudnnActivationForward");
        break;
    case LayerKind::Clip:
        launchClip(x, y, step.out.elements() * m_batch, static_cast<float>(step.layer->clipMin),
                   static_cast<float>(step.layer->clipMax), m_libraries.stream);
        break;
    case LayerKind::HardSwish:
        launchHardSwish(x, y, step.out.elements() * m_batch, m_libraries.stream);
        break;
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
        check(cublasSgemm(m_libraries.cublas, CUBLAS_OP_T, CUBLAS_OP_N, out, m_batch, in, &one, step.weights->weights.data(), in,
                          x, in, &zero, y, out),
              "cublasSgemm");
        if (step.layer->bias)
            check(cudnnAddTensor(m_libraries.cudnn, &one, step.paramDesc, step.weights->bias.data(), &one, step.outDesc, y),
                  "cudnnAddTensor (bias)");
        break;
    }
    case LayerKind::HardSigmoid:
    case LayerKind::SiLU:
    case LayerKind::SqueezeExcite:
    case LayerKind::Softmax:
    case LayerKind::Gelu:
    case LayerKind::Slice:
    case LayerKind::ChannelShuffle:
    case LayerKind::Permute:
    case LayerKind::LayerNorm:
    case LayerKind::AxisLinear:
    case LayerKind::Scale:
    case LayerKind::Reshape:
    case LayerKind::Prepend:
    case LayerKind::Offset:
    case LayerKind::Attention:
    case LayerKind::WindowAttention:
    case LayerKind::PatchMerge:
        break; // refused when the step was described
    }
}

bool SubtaskRunner::elementwise(LayerKind kind)
{
    return kind == LayerKind::Relu || kind == LayerKind::Relu6 || kind == LayerKind::Clip || kind == LayerKind::HardSwish ||
           kind == LayerKind::Sigmoid;
}

/// The block's layers, then for a residual its shortcut from the block's input and the
/// addition, then after_add. @p next advances over the weights used.
int SubtaskRunner::addBlock(const Block& block, const std::vector<DeviceWeights>& weights, size_t& next, TensorShape& shape,
                            int current, size_t& largest)
{
    const int blockInput = current;
    const TensorShape blockShape = shape;
    for (const Layer& layer : block.layers)
        current = addLayer(layer, &weights[next++], shape, current, {blockInput}, largest);
    if (!block.residual)
        return current;
    int side = blockInput;
    TensorShape sideShape = blockShape;
    for (const Layer& layer : block.shortcut)
        side = addLayer(layer, &weights[next++], sideShape, side, {current}, largest);
    Step add;
    add.in = add.out = shape;
    add.input = side;
    add.output = current;
    add.addSlot = true;
    add.inDesc = makeTensor(m_batch, shape);
    add.outDesc = makeTensor(m_batch, shape);
    m_steps.push_back(add);
    for (const Layer& layer : block.afterAdd)
        current = addLayer(layer, &weights[next++], shape, current, {}, largest);
    return current;
}

/// Adds a concatenation block whose input is in slot @p blockInput: the block's layers and
/// then each branch run from that input into slots of their own, and each part is copied
/// into its channel slice of one output slot; then after_add runs on it. Returns the slot
/// of the block's output; @p next advances over the weights used.
int SubtaskRunner::addConcatenation(const Block& block, const std::vector<DeviceWeights>& weights, size_t& next,
                                    TensorShape& shape, int blockInput, size_t& largest)
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
int SubtaskRunner::addLayer(const Layer& layer, const DeviceWeights* weights, TensorShape& shape, int input,
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
    // The profiler's descriptors are square and undilated.
    if (layer.kernelW() != layer.kernel || layer.strideW() != layer.stride || layer.paddingW() != layer.padding ||
        layer.dilation != 1)
        throw DeviceFailure("the GPU profiler does not run non-square or dilated windows yet");
    switch (layer.kind) {
    case LayerKind::Conv:
        describeConv(step, layer);
        break;
    case LayerKind::Relu:
    case LayerKind::Relu6:
    case LayerKind::Sigmoid:
        describeActivation(step, layer);
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
    case LayerKind::GlobalAvgPool:
        // cuDNN's pooling rounds its output size down.
        if (layer.ceilMode)
            throw DeviceFailure("the GPU profiler does not run ceil_mode pooling yet");
        describePooling(step, layer);
        break;
    case LayerKind::BatchNorm:
        step.paramDesc = makeTensor(1, {shape.c, 1, 1});
        break;
    case LayerKind::Linear:
        if (layer.bias)
            step.paramDesc = makeTensor(1, {out.c, 1, 1});
        break;
    case LayerKind::Clip:
    case LayerKind::HardSwish:
    case LayerKind::Flatten:
        break;
    case LayerKind::HardSigmoid:
    case LayerKind::SiLU:
    case LayerKind::SqueezeExcite:
    case LayerKind::Softmax:
    case LayerKind::Gelu:
    case LayerKind::Slice:
    case LayerKind::ChannelShuffle:
    case LayerKind::Permute:
    case LayerKind::LayerNorm:
    case LayerKind::AxisLinear:
    case LayerKind::Scale:
    case LayerKind::Reshape:
    case LayerKind::Prepend:
    case LayerKind::Offset:
    case LayerKind::Attention:
    case LayerKind::WindowAttention:
    case LayerKind::PatchMerge:
        // Refused before anything runs: a kernel of its own is still to be written and checked.
        throw DeviceFailure("the GPU profiler has no kernel for the layer kind " + layerKindName(layer.kind) + " yet");
    }
    largest = std::max(largest, static_cast<size_t>(out.elements()));
    m_steps.push_back(step);
    shape = out;
    return step.output;
}

/// The first slot other than the sub-task's input, @p input and @p keep; a new one when all
/// are taken (only concatenation blocks hold more than three tensors at once).
int SubtaskRunner::freeSlot(int input, std::initializer_list<int> keep)
{
    const int count = static_cast<int>(m_slots.size());
    for (int slot = 1; slot < count; ++slot)
        if (slot != input && std::find(keep.begin(), keep.end(), slot) == keep.end())
            return slot;
    m_slots.emplace_back();
    return count;
}

/// A convolution: its filter and convolution descriptors, the first algorithm cuDNN offers in
/// the libraries' math mode, the workspace it needs, and the bias descriptor.
void SubtaskRunner::describeConv(Step& step, const Layer& layer)
{
    check(cudnnCreateFilterDescriptor(&step.filterDesc), "cudnnCreateFilterDescriptor");
    check(cudnnSetFilter4dDescriptor(step.filterDesc, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, layer.outChannels,
                                     step.in.c / layer.groups, layer.kernel, layer.kernel),
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
        const cudnnConvolutionFwdAlgoPerf_t& candidate = candidates[static_cast<size_t>(i)];
        if (candidate.status != CUDNN_STATUS_SUCCESS)
            continue;
        if (m_libraries.mathType == CUDNN_FMA_MATH && candidate.mathType != CUDNN_FMA_MATH &&
            candidate.mathType != CUDNN_DEFAULT_MATH)
            continue;
        step.algorithm = candidate.algo;
        chosen = true;
    }
    if (!chosen)
        throw DeviceFailure("cuDNN offers no forward algorithm for a " + std::to_string(layer.kernel) + "x" +
                            std::to_string(layer.kernel) + " convolution");
    size_t bytes = 0;
    check(cudnnGetConvolutionForwardWorkspaceSize(m_libraries.cudnn, step.inDesc, step.filterDesc, step.convDesc, step.outDesc,
                                                  step.algorithm, &bytes),
          "cudnnGetConvolutionForwardWorkspaceSize");
    m_workspaceBytes = std::max(m_workspaceBytes, bytes);
    if (layer.bias)
        step.paramDesc = makeTensor(1, {step.out.c, 1, 1});
}

/// Relu, relu6 or sigmoid: cuDNN's activation descriptor.
void SubtaskRunner::describeActivation(Step& step, const Layer& layer)
{
    const cudnnActivationMode_t mode = layer.kind == LayerKind::Relu    ? CUDNN_ACTIVATION_RELU
                                       : layer.kind == LayerKind::Relu6 ? CUDNN_ACTIVATION_CLIPPED_RELU
                                                                        : CUDNN_ACTIVATION_SIGMOID;
    check(cudnnCreateActivationDescriptor(&step.activationDesc), "cudnnCreateActivationDescriptor");
    // The coefficient is relu6's ceiling; relu and sigmoid ignore it.
    check(cudnnSetActivationDescriptor(step.activationDesc, mode, CUDNN_PROPAGATE_NAN, 6.0), "cudnnSetActivationDescriptor");
}

/// Max, average or global average pooling: cuDNN's pooling descriptor (global pooling is a
/// window over the whole input).
void SubtaskRunner::describePooling(Step& step, const Layer& layer)
{
    check(cudnnCreatePoolingDescriptor(&step.poolDesc), "cudnnCreatePoolingDescriptor");
    const bool global = layer.kind == LayerKind::GlobalAvgPool;
    const cudnnPoolingMode_t mode =
        layer.kind == LayerKind::MaxPool ? CUDNN_POOLING_MAX : CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
    check(cudnnSetPooling2dDescriptor(step.poolDesc, mode, CUDNN_PROPAGATE_NAN, global ? step.in.h : layer.kernel,
                                      global ? step.in.w : layer.kernel, global ? 0 : layer.padding, global ? 0 : layer.padding,
                                      global ? 1 : layer.stride, global ? 1 : layer.stride),
          "cudnnSetPooling2dDescriptor");
}

} // namespace coinfer::gpu::detail
