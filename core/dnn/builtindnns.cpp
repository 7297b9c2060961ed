// The built-in DNNs, layer for layer as torchvision defines them (ImageNet, 224 x 224 input),
// split into sub-tasks at block boundaries.

#include "core/dnn/dnn.h"
#include "core/util/expected.h"

#include <string>
#include <utility>
#include <vector>

namespace coinfer {
namespace {

Layer conv(int out, int kernel, int stride, int padding, int groups = 1, bool bias = false)
{
    return convLayer(out, kernel, stride, padding, groups, bias);
}

Layer simple(LayerKind kind)
{
    return plainLayer(kind);
}
Layer pool(LayerKind kind, int kernel, int stride, int padding)
{
    return poolLayer(kind, kernel, stride, padding);
}
Layer linear(int out)
{
    return linearLayer(out);
}

const Layer kBn = simple(LayerKind::BatchNorm);
const Layer kRelu = simple(LayerKind::Relu);
const Layer kRelu6 = simple(LayerKind::Relu6);

SubtaskDescription single(std::string name, std::vector<Layer> layers)
{
    return {std::move(name), {Block{std::move(layers), false, {}, {}}}};
}

DnnDescription imagenetInput(std::string name)
{
    DnnDescription dnn;
    dnn.name = std::move(name);
    dnn.input = {3, 224, 224};
    dnn.inputElementBytes = 1;
    dnn.activationBytes = 4;
    return dnn;
}

/// MobileNetV2 (Sandler et al. 2018): stem, 17 inverted residual blocks, 1x1 conv to 1280,
/// classifier. Each block is a sub-task: 20 sub-tasks.
DnnDescription mobilenetV2()
{
    DnnDescription dnn = imagenetInput("mobilenetv2");
    dnn.subtasks.push_back(single("stem conv 3x3/2", {conv(32, 3, 2, 1), kBn, kRelu6}));
    struct Stage {
        int expand, channels, repeats, stride;
    };
    const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                            {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    int in = 32, index = 1;
    for (const Stage& stage : stages) {
        for (int r = 0; r < stage.repeats; ++r) {
            const int stride = r == 0 ? stage.stride : 1;
            const int hidden = in * stage.expand;
            Block block;
            if (stage.expand != 1)
                block.layers = {conv(hidden, 1, 1, 0), kBn, kRelu6};
            for (const Layer& layer : {conv(hidden, 3, stride, 1, hidden), kBn, kRelu6, conv(stage.channels, 1, 1, 0), kBn})
                block.layers.push_back(layer);
            block.residual = stride == 1 && in == stage.channels;
            dnn.subtasks.push_back({"block " + std::to_string(index++) + " (t=" + std::to_string(stage.expand) +
                                        ", c=" + std::to_string(stage.channels) + ", s=" + std::to_string(stride) + ")",
                                    {std::move(block)}});
            in = stage.channels;
        }
    }
    dnn.subtasks.push_back(single("conv 1x1 to 1280", {conv(1280, 1, 1, 0), kBn, kRelu6}));
    dnn.subtasks.push_back(
        single("avgpool + fc 1000", {simple(LayerKind::GlobalAvgPool), simple(LayerKind::Flatten), linear(1000)}));
    return dnn;
}

/// ResNet-18 (He et al. 2016): stem with max pooling, 8 basic blocks, classifier: 10 sub-tasks.
DnnDescription resnet18()
{
    DnnDescription dnn = imagenetInput("resnet18");
    dnn.subtasks.push_back(
        single("stem conv 7x7/2 + maxpool", {conv(64, 7, 2, 3), kBn, kRelu, pool(LayerKind::MaxPool, 3, 2, 1)}));
    int in = 64;
    for (int planes : {64, 128, 256, 512}) {
        for (int r = 0; r < 2; ++r) {
            const int stride = (r == 0 && planes != 64) ? 2 : 1;
            Block block;
            block.layers = {conv(planes, 3, stride, 1), kBn, kRelu, conv(planes, 3, 1, 1), kBn};
            block.residual = true;
            if (stride != 1 || in != planes)
                block.shortcut = {conv(planes, 1, stride, 0), kBn};
            block.afterAdd = {kRelu};
            dnn.subtasks.push_back({"basic block " + std::to_string(planes) + (stride == 2 ? "/2" : ""), {std::move(block)}});
            in = planes;
        }
    }
    dnn.subtasks.push_back(
        single("avgpool + fc 1000", {simple(LayerKind::GlobalAvgPool), simple(LayerKind::Flatten), linear(1000)}));
    return dnn;
}

/// VGG-16 (Simonyan and Zisserman 2015): five convolution stages, each ending in max pooling,
/// and the three fully connected layers: 8 sub-tasks.
DnnDescription vgg16()
{
    DnnDescription dnn = imagenetInput("vgg16");
    const int stages[][2] = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
    int index = 1;
    for (const auto& stage : stages) {
        std::vector<Layer> layers;
        for (int r = 0; r < stage[1]; ++r) {
            layers.push_back(conv(stage[0], 3, 1, 1, 1, true));
            layers.push_back(kRelu);
        }
        layers.push_back(pool(LayerKind::MaxPool, 2, 2, 0));
        dnn.subtasks.push_back(single("conv stage " + std::to_string(index++) + " (" + std::to_string(stage[1]) + "x conv3x3 " +
                                          std::to_string(stage[0]) + " + maxpool)",
                                      std::move(layers)));
    }
    dnn.subtasks.push_back(single("fc6 4096", {simple(LayerKind::Flatten), linear(4096), kRelu}));
    dnn.subtasks.push_back(single("fc7 4096", {linear(4096), kRelu}));
    dnn.subtasks.push_back(single("fc8 1000", {linear(1000)}));
    return dnn;
}

} // namespace

std::vector<std::string> builtinDnnNames()
{
    return {"mobilenetv2", "resnet18", "vgg16"};
}

Expected<DnnDescription> builtinDnn(const std::string& name)
{
    if (name == "mobilenetv2")
        return mobilenetV2();
    if (name == "resnet18")
        return resnet18();
    if (name == "vgg16")
        return vgg16();
    std::string names;
    for (const std::string& known : builtinDnnNames())
        names += (names.empty() ? "" : ", ") + known;
    return Unexpected(Error{ErrorCode::BadInput, "unknown built-in DNN '" + name + "' (known: " + names + ")"});
}

} // namespace coinfer
