// The GPU's outputs against the CPU reference (core/cpureference.h). Built with or without
// CUDA: without it, runSubtaskOnGpu answers NoDevice and so does the check.
#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/util/expected.h"
#include "gpu/profiler.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace coinfer::gpu {
namespace {

Layer make(LayerKind kind, int outChannels = 0, int kernel = 1, int stride = 1, int padding = 0, int groups = 1,
           bool bias = false)
{
    if (kind == LayerKind::Conv)
        return convLayer(outChannels, kernel, stride, padding, groups, bias);
    if (kind == LayerKind::MaxPool || kind == LayerKind::AvgPool)
        return poolLayer(kind, kernel, stride, padding);
    return plainLayer(kind);
}

LayerCheck compare(const std::vector<float>& gpuOutput, const std::vector<float>& cpuOutput, double tolerance)
{
    LayerCheck check;
    if (gpuOutput.size() != cpuOutput.size()) {
        check.maxAbsError = check.maxScaledError = INFINITY;
        return check;
    }
    for (size_t i = 0; i < cpuOutput.size(); ++i) {
        // NaN (a poisoned buffer nobody wrote) must fail, so compare with !(error <= ...).
        const double error = std::fabs(static_cast<double>(gpuOutput[i]) - cpuOutput[i]);
        const double scaled = error / std::max(1.0, std::fabs(static_cast<double>(cpuOutput[i])));
        check.maxAbsError = std::isnan(error) ? INFINITY : std::max(check.maxAbsError, error);
        check.maxScaledError = std::isnan(scaled) ? INFINITY : std::max(check.maxScaledError, scaled);
    }
    check.passed = check.maxScaledError <= tolerance;
    return check;
}

} // namespace

DnnDescription checkDnn()
{
    DnnDescription dnn;
    dnn.name = "layer-check";
    dnn.input = {3, 17, 17};
    const Layer linear = linearLayer(10);
    Block residual{{make(LayerKind::Conv, 24, 3, 2, 1), make(LayerKind::BatchNorm), make(LayerKind::Relu),
                    make(LayerKind::Conv, 24, 3, 1, 1), make(LayerKind::BatchNorm)},
                   true,
                   {make(LayerKind::Conv, 24, 1, 2, 0), make(LayerKind::BatchNorm)},
                   {make(LayerKind::Relu)}};
    // The concatenation is the second block, so that its input is not the sub-task's input
    // slot: the hardswish and relu that open its parts must not overwrite the input in place,
    // which the identity branch and the other parts still read.
    const Block plain{{make(LayerKind::Conv, 24, 3, 1, 1), make(LayerKind::BatchNorm)}, false, {}, {}};
    Block concatenation;
    concatenation.layers = {make(LayerKind::HardSwish), make(LayerKind::Conv, 16, 1, 1, 0, 1, true)};
    concatenation.branches = {{},
                              {make(LayerKind::Relu), make(LayerKind::Conv, 8, 3, 1, 1), make(LayerKind::Sigmoid)},
                              {make(LayerKind::MaxPool, 0, 3, 1, 1)}};
    concatenation.afterAdd = {make(LayerKind::Conv, 24, 1), make(LayerKind::BatchNorm), clipLayer(-1, 1)};
    dnn.subtasks = {
        {"conv 3x3/2 with bias + batchnorm + relu",
         {{{make(LayerKind::Conv, 8, 3, 2, 1, 1, true), make(LayerKind::BatchNorm), make(LayerKind::Relu)}, false, {}, {}}}},
        {"depthwise 3x3 + relu6 + grouped 1x1",
         {{{make(LayerKind::Conv, 8, 3, 1, 1, 8), make(LayerKind::BatchNorm), make(LayerKind::Relu6),
            make(LayerKind::Conv, 16, 1, 1, 0, 2)},
           false,
           {},
           {}}}},
        {"residual block with projection", {residual}},
        {"identity residual",
         {{{make(LayerKind::Conv, 24, 3, 1, 1), make(LayerKind::BatchNorm)}, true, {}, {make(LayerKind::Relu)}}}},
        {"clip + hardswish + sigmoid",
         {{{make(LayerKind::Conv, 24, 3, 1, 1, 1, true), clipLayer(-0.5, 0.75), make(LayerKind::Conv, 24, 1),
            make(LayerKind::BatchNorm), make(LayerKind::HardSwish), make(LayerKind::Sigmoid)},
           false,
           {},
           {}}}},
        {"concatenation with an identity branch", {plain, concatenation}},
        {"maxpool 3/2 pad 1 + avgpool 2/1 pad 1",
         {{{make(LayerKind::MaxPool, 0, 3, 2, 1), make(LayerKind::AvgPool, 0, 2, 1, 1)}, false, {}, {}}}},
        {"global avgpool + flatten + linear",
         {{{make(LayerKind::GlobalAvgPool), make(LayerKind::Flatten), linear}, false, {}, {}}}},
    };
    return dnn;
}

Expected<std::vector<LayerCheck>> checkAgainstCpu(double tolerance)
{
    return checkAgainstCpu(checkDnn(), {1, 3}, tolerance);
}

Expected<std::vector<LayerCheck>> checkAgainstCpu(const DnnDescription& dnn, const std::vector<int>& batches, double tolerance,
                                                  const std::function<void(int done, int total)>& progress)
{
    if (Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn); !stats)
        return Unexpected(stats.error());
    std::vector<LayerCheck> checks;
    const int subtasks = static_cast<int>(dnn.subtasks.size());
    for (int s = 0; s < subtasks; ++s) {
        for (int batch : batches) {
            const auto weights = makeSubtaskWeights(dnn, s, 7);
            const auto input = makeRandomInput(subtaskInputShape(dnn, s), batch, 11 + static_cast<std::uint64_t>(s));
            const std::vector<float> cpuOutput = runSubtaskOnCpu(dnn, s, batch, input, weights);
            for (bool cudaGraph : {false, true}) {
                Expected<std::vector<float>> gpuOutput = runSubtaskOnGpu(dnn, s, batch, input, weights, cudaGraph);
                if (!gpuOutput)
                    return Unexpected(gpuOutput.error());
                LayerCheck check = compare(*gpuOutput, cpuOutput, tolerance);
                check.subtask = dnn.subtasks[static_cast<size_t>(s)].name;
                check.batch = batch;
                check.cudaGraph = cudaGraph;
                checks.push_back(check);
            }
        }
        if (progress)
            progress(s + 1, subtasks);
    }
    return checks;
}

} // namespace coinfer::gpu
