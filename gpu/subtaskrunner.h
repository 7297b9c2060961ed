#pragma once
// One sub-task of a DNN prepared for one batch size on the GPU (private to gpu/, compiled by nvcc
// only): the cuDNN and cuBLAS calls of its layers, in order, over a few reused buffers.

#include "gpu/cudasupport.h"

#include "core/dnn/cpureference.h"

#include <initializer_list>
#include <vector>

namespace coinfer::gpu::detail {

/// Weights of one layer on the device.
struct DeviceWeights {
    DeviceBuffer weights, bias, scale, shift, mean, variance;
};

/// Uploads the weights of every layer of a sub-task, in makeSubtaskWeights' order.
std::vector<DeviceWeights> uploadWeights(const std::vector<LayerWeights>& host);

/// One prepared layer call for a fixed batch size: descriptors, algorithm and buffers.
struct Step {
    const Layer* layer = nullptr;
    const DeviceWeights* weights = nullptr;
    TensorShape in, out;
    int input = 0, output = 0; // buffer slots
    cudnnTensorDescriptor_t inDesc = nullptr, outDesc = nullptr, paramDesc = nullptr;
    cudnnFilterDescriptor_t filterDesc = nullptr;
    cudnnConvolutionDescriptor_t convDesc = nullptr;
    cudnnConvolutionFwdAlgo_t algorithm = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
    cudnnActivationDescriptor_t activationDesc = nullptr;
    cudnnPoolingDescriptor_t poolDesc = nullptr;
    bool addSlot = false;  // a residual addition: output += slot `input`
    bool copySlot = false; // a concatenation: slot `input` (shape `in`) into channels
    int channelOffset = 0; // [channelOffset, channelOffset + in.c) of slot `output` (shape `out`)
};

/// A sub-task prepared for one batch size: the steps in order and the buffers they use.
class SubtaskRunner {
public:
    /// Prepares sub-task @p subtask of @p dnn for @p batch samples with @p weights (one per
    /// layer, in order). Throws DeviceFailure.
    SubtaskRunner(Libraries& libraries, const DnnDescription& dnn, int subtask, int batch,
                  const std::vector<DeviceWeights>& weights);
    ~SubtaskRunner();
    SubtaskRunner(const SubtaskRunner&) = delete;
    SubtaskRunner& operator=(const SubtaskRunner&) = delete;

    float* input() { return m_slots[kInputSlot].data(); }
    /// Copies @p samples (batch x input shape) into the input buffer and waits until they are there.
    void upload(const std::vector<float>& samples);
    float* output() { return m_slots[static_cast<size_t>(m_outputSlot)].data(); }
    const TensorShape& inputShape() const { return m_inputShape; }
    const TensorShape& outputShape() const { return m_outputShape; }

    /// Enqueues the whole sub-task on the libraries' stream.
    void run();

private:
    static constexpr int kInputSlot = 0;
    /// Slots to start with; a concatenation block can need more (freeSlot adds them).
    static constexpr int kSlots = 4;

    static bool elementwise(LayerKind kind);

    /// Adds the steps of one block (not a concatenation) whose input is in slot @p current;
    /// returns the slot of its output.
    int addBlock(const Block& block, const std::vector<DeviceWeights>& weights, size_t& next, TensorShape& shape, int current,
                 size_t& largest);
    int addConcatenation(const Block& block, const std::vector<DeviceWeights>& weights, size_t& next, TensorShape& shape,
                         int blockInput, size_t& largest);
    int addLayer(const Layer& layer, const DeviceWeights* weights, TensorShape& shape, int input, std::initializer_list<int> keep,
                 size_t& largest);
    // What addLayer needs per layer family, beyond the input and output descriptors.
    void describeConv(Step& step, const Layer& layer);
    static void describeActivation(Step& step, const Layer& layer);
    static void describePooling(Step& step, const Layer& layer);
    int freeSlot(int input, std::initializer_list<int> keep);

    /// Runs one layer step from @p x into @p y.
    void runLayer(const Step& step, float* x, float* y);

    Libraries& m_libraries;
    int m_batch;
    std::vector<Step> m_steps;
    std::vector<DeviceBuffer> m_slots = std::vector<DeviceBuffer>(kSlots);
    DeviceBuffer m_workspace;
    size_t m_workspaceBytes = 0;
    int m_outputSlot = 0;
    TensorShape m_inputShape, m_outputShape;
};

} // namespace coinfer::gpu::detail
