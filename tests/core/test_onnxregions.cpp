// ONNX import of the structures and patterns of DenseNet, Inception-v3, ShuffleNet v2 and ConvNeXt
// (core/io/onnxregions.cpp, onnxshapes.cpp, onnxnorms.cpp): a dense block, where each layer reads
// the concatenation of all earlier outputs; a concatenation whose branches fork again; a shuffle
// unit with Slices bounded by shape arithmetic and a channel shuffle; an expanded layer norm. Each
// must import with the graph's own MACs and run on the CPU reference to the values the graph
// defines, computed here by hand. Also PyTorch's pads folded from the shape, and Swin's window
// attention and patch merging on the CPU reference (torchvision's whole Swin against PyTorch:
// scripts/torch-whole-model-check.py).
#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
#include "core/io/onnximport.h"
#include "core/io/onnxrun.h"

#include "onnxmodelbuilder.h"
#include "onnxmodels.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace coinfer;
using coinfer::testing::expectRefusal;
using coinfer::testing::finalOutput;
using coinfer::testing::int64Initializer;
using coinfer::testing::ModelBuilder;
using coinfer::testing::totalMacs;

namespace {

constexpr int kArea = 4; // every tensor here is 2 x 2 per channel

/// A tensor of one sample as channels of kArea values.
using Channels = std::vector<std::vector<float>>;

/// Deterministic weights: out x in values, different for every convolution.
std::vector<float> weightValues(int out, int in, float seed)
{
    std::vector<float> values;
    for (int i = 0; i < out * in; ++i)
        values.push_back(std::sin(seed + 0.7f * static_cast<float>(i)));
    return values;
}

/// A 1x1 convolution without bias, by its definition.
Channels conv1x1(const Channels& x, const std::vector<float>& w, int out)
{
    const int in = static_cast<int>(x.size());
    Channels y(static_cast<size_t>(out), std::vector<float>(kArea, 0.0f));
    for (int o = 0; o < out; ++o)
        for (int i = 0; i < in; ++i)
            for (int p = 0; p < kArea; ++p)
                y[static_cast<size_t>(o)][static_cast<size_t>(p)] +=
                    w[static_cast<size_t>(o * in + i)] * x[static_cast<size_t>(i)][static_cast<size_t>(p)];
    return y;
}

Channels concat(std::initializer_list<Channels> parts)
{
    Channels all;
    for (const Channels& part : parts)
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

/// Builds the model's convolutions (1x1, named by their output) and remembers their weights.
struct Network {
    ModelBuilder builder{{1, 2, 2, 2}};
    std::map<std::string, std::pair<int, std::vector<float>>> weights; // conv output -> (out channels, weights)
    std::vector<OnnxTensor> inputs;

    void conv(const std::string& in, const std::string& out, int inChannels, int outChannels)
    {
        builder.conv(in, out, inChannels, outChannels, 1);
        weights[out] = {outChannels, weightValues(outChannels, inChannels, static_cast<float>(weights.size()))};
        inputs.push_back({out + ".w", {outChannels, inChannels, 1, 1}, weights[out].second});
    }

    void concat(std::vector<std::string> parts, const std::string& out)
    {
        ModelBuilder::integer(builder.node("Concat", std::move(parts), out, "/" + out + "/Concat"), "axis", 1);
    }

    Channels apply(const std::string& conv, const Channels& x) const
    {
        return conv1x1(x, weights.at(conv).second, weights.at(conv).first);
    }

    /// The model run on the CPU reference with @p x, compared with @p expected.
    void expectRun(const Channels& x, const Channels& expected)
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.onnx").toStdString();
        std::ofstream(path, std::ios::binary) << builder.bytes();
        OnnxTensor input{"x", {1, 2, 2, 2}, {}};
        for (const std::vector<float>& channel : x)
            input.values.insert(input.values.end(), channel.begin(), channel.end());
        std::vector<OnnxTensor> all = {input};
        all.insert(all.end(), inputs.begin(), inputs.end());
        const Expected<OnnxTensor> y = runOnnxOnCpu(path, all);
        QVERIFY2(y, y ? "" : y.error().message.c_str());
        QCOMPARE(y->values.size(), expected.size() * kArea);
        for (size_t c = 0; c < expected.size(); ++c)
            for (size_t p = 0; p < kArea; ++p)
                QVERIFY(std::fabs(y->values[c * kArea + p] - expected[c][p]) <= 1e-5f);
    }
};

const Channels kInput = {{0.5f, -1.0f, 0.25f, 2.0f}, {-0.75f, 1.5f, 1.0f, -0.5f}};

} // namespace

class TestOnnxRegions : public QObject {
    Q_OBJECT

private slots:
    void aDenseBlockBecomesAChainOfConcatenations()
    {
        // Layer 1 reads x; layer 2 reads Concat(x, a); the block ends with Concat(x, a, b).
        Network net;
        net.conv("x", "a", 2, 1);
        net.concat({"x", "a"}, "xa");
        net.conv("xa", "b", 3, 1);
        net.concat({"x", "a", "b"}, "y");
        net.builder.output("y");
        const Expected<OnnxImport> imported = net.builder.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        // One tensor, the concatenation so far, is live between the dense layers: a cut there.
        QCOMPARE(dnn.subtasks.size(), size_t{2});
        for (const SubtaskDescription& subtask : dnn.subtasks) {
            QCOMPARE(subtask.blocks.size(), size_t{1});
            QVERIFY(subtask.blocks[0].concatenates());
            QVERIFY(subtask.blocks[0].layers.empty()); // the block's input itself comes first
        }
        QCOMPARE(totalMacs(dnn), 1.0 * 2 * kArea + 1.0 * 3 * kArea);
        QCOMPARE(finalOutput(dnn), (TensorShape{4, 2, 2}));
        const Channels a = net.apply("a", kInput);
        const Channels b = net.apply("b", concat({kInput, a}));
        net.expectRun(kInput, concat({kInput, a, b}));
    }

    void branchesThatForkAgainImportAsStages()
    {
        // Inception-v3's Mixed_7: t feeds two convolutions, both concatenated with r.
        Network net;
        net.conv("x", "r", 2, 1);
        net.conv("x", "t", 2, 2);
        net.conv("t", "p", 2, 1);
        net.conv("t", "q", 2, 3);
        net.concat({"r", "p", "q"}, "y");
        net.builder.output("y");
        const Expected<OnnxImport> imported = net.builder.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        QCOMPARE(dnn.subtasks.size(), size_t{1});
        const std::vector<Block>& blocks = dnn.subtasks[0].blocks;
        QCOMPARE(blocks.size(), size_t{2}); // r and t, then r carried, p and q
        QCOMPARE(blocks[1].layers.size(), size_t{1});
        QCOMPARE(blocks[1].layers[0].kind, LayerKind::Slice);
        QCOMPARE(blocks[1].branches.size(), size_t{2});
        // Every convolution once: the fork is computed once, as in the graph.
        QCOMPARE(totalMacs(dnn), (1.0 * 2 + 2.0 * 2 + 1.0 * 2 + 3.0 * 2) * kArea);
        QCOMPARE(finalOutput(dnn), (TensorShape{5, 2, 2}));
        const Expected<DnnDescription> read = parseDnnDescription(dnnDescriptionToJson(dnn), "written.json");
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(dnnDescriptionToJson(*read), dnnDescriptionToJson(dnn));
        const Channels t = net.apply("t", kInput);
        net.expectRun(kInput, concat({net.apply("r", kInput), net.apply("p", t), net.apply("q", t)}));
    }

    void aShuffleUnitWithShapeArithmeticImports()
    {
        // ShuffleNet v2's unit: x.chunk(2, dim=1) as Slices whose bounds come from Shape(x), the
        // second half through a convolution, both concatenated, then the channel shuffle.
        Network net;
        ModelBuilder& b = net.builder;
        b.node("Shape", {"x"}, "shape", "/unit/Shape");
        b.node("Gather", {"shape", coinfer::testing::int64Initializer(b, "one", {1})}, "channels", "/unit/Gather");
        b.node("Div", {"channels", coinfer::testing::int64Initializer(b, "two", {2})}, "half", "/unit/Div");
        const std::string zero = coinfer::testing::int64Initializer(b, "zero", {0});
        const std::string axis = coinfer::testing::int64Initializer(b, "axis", {1});
        b.node("Slice", {"x", zero, "half", axis}, "left", "/unit/Slice");
        b.node("Slice", {"x", "half", coinfer::testing::int64Initializer(b, "end", {1000}), axis}, "right", "/unit/Slice_1");
        net.conv("right", "branch", 1, 3);
        net.concat({"left", "branch"}, "joined");
        b.node("Reshape", {"joined", coinfer::testing::int64Initializer(b, "grouped", {1, 2, 2, 2, 2})}, "g", "/unit/Reshape");
        ModelBuilder::ints(b.node("Transpose", {"g"}, "t", "/unit/Transpose"), "perm", {0, 2, 1, 3, 4});
        b.node("Reshape", {"t", coinfer::testing::int64Initializer(b, "back", {1, -1, 2, 2})}, "y", "/unit/Reshape_1");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        QCOMPARE(dnn.subtasks.size(), size_t{1});
        const Block& block = dnn.subtasks[0].blocks.at(0);
        QVERIFY(block.concatenates());
        QCOMPARE(block.layers.size(), size_t{1});
        QCOMPARE(block.layers[0].kind, LayerKind::Slice);
        QCOMPARE(block.afterAdd.size(), size_t{1});
        QCOMPARE(block.afterAdd[0].kind, LayerKind::ChannelShuffle);
        QCOMPARE(block.afterAdd[0].groups, 2);
        QCOMPARE(totalMacs(dnn), 3.0 * kArea);
        QCOMPARE(finalOutput(dnn), (TensorShape{4, 2, 2}));
        const Expected<DnnDescription> read = parseDnnDescription(dnnDescriptionToJson(dnn), "written.json");
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(dnnDescriptionToJson(*read), dnnDescriptionToJson(dnn));
        // The concatenation [x0, b0, b1, b2] as 2 groups of 2, transposed: [x0, b1, b0, b2].
        const Channels branch = net.apply("branch", {kInput[1]});
        net.expectRun(kInput, {kInput[0], branch[1], branch[0], branch[2]});
    }

    void anExpandedLayerNormRunsAsItsDefinition()
    {
        // PyTorch's LayerNorm at opset 13 on N x L x E tokens, then its weight and bias.
        ModelBuilder b({1, 2, 3});
        const auto lastAxisMean = [&](const std::string& in, const std::string& out) {
            ModelBuilder::ints(b.node("ReduceMean", {in}, out, "/ln/" + out), "axes", {-1});
        };
        lastAxisMean("x", "mean");
        b.node("Sub", {"x", "mean"}, "centred", "/ln/Sub");
        b.constant("two", 2.0f);
        b.node("Pow", {"centred", "two"}, "squared", "/ln/Pow");
        lastAxisMean("squared", "variance");
        b.constant("eps", 1e-5f);
        b.node("Add", {"variance", "eps"}, "shifted", "/ln/Add");
        b.node("Sqrt", {"shifted"}, "deviation", "/ln/Sqrt");
        b.node("Div", {"centred", "deviation"}, "normal", "/ln/Div");
        b.node("Mul", {"normal", b.weight("ln.weight", {3})}, "scaled", "/ln/Mul");
        b.node("Add", {"scaled", b.weight("ln.bias", {3})}, "y", "/ln/Add_1");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const std::vector<Block>& blocks = imported->dnn.subtasks.at(0).blocks;
        QCOMPARE(blocks.size(), size_t{1});
        QCOMPARE(blocks[0].layers.size(), size_t{1});
        const Layer& norm = blocks[0].layers[0];
        QCOMPARE(norm.kind, LayerKind::LayerNorm);
        QCOMPARE(norm.axis, 1); // N x L x E: E is the sample's height
        QVERIFY(norm.bias);     // with its weight and bias
        QVERIFY(std::fabs(norm.epsilon - 1e-5) < 1e-12);
        QTemporaryDir dir;
        const std::string path = dir.filePath("ln.onnx").toStdString();
        std::ofstream(path, std::ios::binary) << b.bytes();
        const std::vector<float> x = {1, 2, 4, -1, 0, 7}, weight = {0.5f, -1, 2}, bias = {0.1f, 0.2f, 0.3f};
        const Expected<OnnxTensor> y =
            runOnnxOnCpu(path, {{"x", {1, 2, 3}, x}, {"ln.weight", {3}, weight}, {"ln.bias", {3}, bias}});
        QVERIFY2(y, y ? "" : y.error().message.c_str());
        for (size_t token = 0; token < 2; ++token) {
            double mean = 0, variance = 0;
            for (size_t e = 0; e < 3; ++e)
                mean += x[token * 3 + e] / 3.0;
            for (size_t e = 0; e < 3; ++e)
                variance += (x[token * 3 + e] - mean) * (x[token * 3 + e] - mean) / 3.0;
            for (size_t e = 0; e < 3; ++e) {
                const double expected = (x[token * 3 + e] - mean) / std::sqrt(variance + 1e-5) * weight[e] + bias[e];
                QVERIFY(std::fabs(y->values[token * 3 + e] - expected) <= 1e-5);
            }
        }
    }

    void aSliceOutsideItsAxisIsRefusedNamingTheField()
    {
        DnnDescription dnn;
        dnn.name = "slices";
        dnn.input = {4, 2, 2};
        dnn.subtasks.push_back({"cut", {Block{{sliceLayer(0, 1, 3)}, false, {}, {}}}});
        const std::string json = dnnDescriptionToJson(dnn);
        QCOMPARE(finalOutput(*parseDnnDescription(json, "slices.json")), (TensorShape{2, 2, 2}));
        std::string reversed = json;
        reversed.replace(reversed.find("\"end\": 3"), std::string("\"end\": 3").size(), "\"end\": 1");
        const Expected<DnnDescription> bad = parseDnnDescription(reversed, "slices.json");
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("slices.json") != std::string::npos &&
                     bad.error().message.find("end") != std::string::npos &&
                     bad.error().message.find("above begin") != std::string::npos,
                 bad.error().message.c_str());
        dnn.subtasks[0].blocks[0].layers[0].sliceEnd = 5; // past the 4 channels
        const Expected<std::vector<SubtaskStats>> beyond = analyzeDnn(dnn);
        QVERIFY(!beyond);
        QVERIFY2(beyond.error().message.find("axis of size 4") != std::string::npos, beyond.error().message.c_str());
    }

    void theNewLayerKindsRoundTripWithTheirCosts()
    {
        // 4 tokens of 6 features through every layer kind the transformer imports added.
        DnnDescription dnn;
        dnn.name = "tokens";
        dnn.input = {4, 6, 1};
        const std::vector<Layer> layers = {permuteLayer({1, 0, 2}),
                                           permuteLayer({1, 0, 2}),
                                           layerNormLayer(1, 1e-6, true),
                                           axisLinearLayer(1, 8, true),
                                           scaleLayer(1),
                                           reshapeLayer({4, 8, 1}),
                                           prependLayer(1),
                                           plainLayer(LayerKind::Offset),
                                           attentionLayer(2)};
        dnn.subtasks.push_back({"all", {Block{layers, false, {}, {}}}});
        const std::string json = dnnDescriptionToJson(dnn);
        const Expected<DnnDescription> read = parseDnnDescription(json, "tokens.json");
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(dnnDescriptionToJson(*read), json);
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*read);
        QVERIFY2(stats, stats ? "" : stats.error().message.c_str());
        QCOMPARE(stats->front().output, (TensorShape{5, 8, 1}));
        // axis_linear: 4 positions x 6 x 8; attention on 5 tokens of 8: 4 L E^2 + 2 L^2 E.
        QCOMPARE(stats->front().macs, 4.0 * 6 * 8 + (4.0 * 5 * 8 * 8 + 2.0 * 5 * 5 * 8));
        // layernorm 2 x 6, axis_linear 6 x 8 + 8, scale 8, prepend 8, offset 5 x 8, attention 4 x 8^2 + 4 x 8.
        QCOMPARE(stats->front().parameters, 12LL + 56 + 8 + 8 + 40 + 288);
    }

    /// F.pad(x, pads) as torch.onnx.export writes it, its pads computed from Shape(x): (w, w, h, h)
    /// with h = w = 3 - 8 mod 3 = 1, or h = 2 w, then zeros for N and C; reshaped to pairs, the
    /// pairs reversed (Slice with step -1), transposed and flattened to ONNX's order, before a
    /// 3x3 Conv.
    static ModelBuilder pytorchPad(bool taller)
    {
        ModelBuilder b({1, 4, 8, 8});
        b.node("Shape", {"x"}, "shape", "/pad/Shape");
        b.node("Gather", {"shape", int64Initializer(b, "two", {2})}, "height", "/pad/Gather");
        b.node("Mod", {"height", int64Initializer(b, "three", {3})}, "rest", "/pad/Mod");
        b.node("Sub", {"three", "rest"}, "w", "/pad/Sub");
        b.node("Mul", {"w", int64Initializer(b, "factor", {taller ? 2 : 1})}, "h", "/pad/Mul");
        ModelBuilder::integer(
            b.node("Concat", {"w", "w", "h", "h", int64Initializer(b, "zeros", {0, 0, 0, 0})}, "pairs", "/pad/Concat"), "axis",
            0);
        b.node("Reshape", {"pairs", int64Initializer(b, "by2", {-1, 2})}, "rows", "/pad/Reshape");
        b.node("Slice",
               {"rows", int64Initializer(b, "last", {-1}), int64Initializer(b, "before", {-9223372036854775807LL}),
                int64Initializer(b, "axis0", {0}), int64Initializer(b, "back", {-1})},
               "reversed", "/pad/Slice");
        onnx::NodeProto& transpose = b.node("Transpose", {"reversed"}, "columns", "/pad/Transpose");
        ModelBuilder::ints(transpose, "perm", {1, 0});
        b.node("Reshape", {"columns", int64Initializer(b, "flat", {-1})}, "pads", "/pad/Reshape_1");
        b.node("Pad", {"x", "pads"}, "padded", "/pad/Pad");
        b.node("Conv", {"padded", b.weight("w3", {4, 4, 3, 3})}, "y", "/conv/Conv");
        b.output("y");
        return b;
    }

    void pytorchsPadsFoldThroughTheirReversedPairs()
    {
        const Expected<OnnxImport> imported = pytorchPad(false).import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const Layer& conv = imported->dnn.subtasks.front().blocks.front().layers.front();
        QCOMPARE(conv.padding, 1);
        QCOMPARE(analyzeDnn(imported->dnn)->back().output, (TensorShape{4, 8, 8}));
        // Twice the padding on the height: ONNX's order (begins N, C, H, W, then ends) shows the
        // pairs were reversed and transposed, not read in PyTorch's order.
        expectRefusal(pytorchPad(true).import(), {"/pad/Pad", "pads 0x0x2x1x0x0x2x1"});
    }

    void aRangeTooLongToFoldIsRefusedWithoutBeingBuilt()
    {
        // A Reshape's target from Range(0, 10^15, 1): beyond the 4,096 values a folded tensor may
        // hold, so it stays a node, and the Reshape is refused for its shape, not run out of memory.
        ModelBuilder b({1, 4, 8, 8});
        b.node("Shape", {"x"}, "shape", "/s/Shape");
        b.node("Squeeze", {int64Initializer(b, "start", {0})}, "from", "/s/Squeeze");
        b.node("Squeeze", {int64Initializer(b, "limit", {1000000000000000LL})}, "to", "/s/Squeeze_1");
        b.node("Squeeze", {int64Initializer(b, "delta", {1})}, "by", "/s/Squeeze_2");
        b.node("Range", {"from", "to", "by"}, "target", "/s/Range");
        b.node("Reshape", {"x", "target"}, "y", "/s/Reshape");
        b.output("y");
        expectRefusal(b.import(), {"test.onnx: node '/s/Reshape'", "no fixed shape"});
    }

    void theWindowLayersRoundTripWithTheirCosts()
    {
        // 8 x 8 positions of 16 features: window attention (2 heads, 4 x 4 windows, shifted by 2),
        // patch merging to 4 x 4 x 64, window attention again (4 heads, one window, no shift).
        DnnDescription dnn;
        dnn.name = "swin";
        dnn.input = {8, 8, 16};
        const std::vector<Layer> layers = {windowAttentionLayer(2, 4, 2), patchMergeLayer(), windowAttentionLayer(4, 4, 0)};
        dnn.subtasks.push_back({"all", {Block{layers, false, {}, {}}}});
        const std::string json = dnnDescriptionToJson(dnn);
        const Expected<DnnDescription> read = parseDnnDescription(json, "swin.json");
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(dnnDescriptionToJson(*read), json);
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*read);
        QVERIFY2(stats, stats ? "" : stats.error().message.c_str());
        QCOMPARE(stats->front().output, (TensorShape{4, 4, 64}));
        // 4 L C^2 + 2 L N C: L = 64, C = 16, N = 16, then L = 16, C = 64, N = 16.
        QCOMPARE(stats->front().macs, (4.0 * 64 * 16 * 16 + 2.0 * 64 * 16 * 16) + (4.0 * 16 * 64 * 64 + 2.0 * 16 * 16 * 64));
        // 4 C^2 + 4 C and a (2 window - 1)^2 bias table per head.
        QCOMPARE(stats->front().parameters, (4LL * 16 * 16 + 4 * 16 + 2 * 49) + (4LL * 64 * 64 + 4 * 64 + 4 * 49));
        const auto refusal = [](const Layer& layer, const TensorShape& in) {
            const Expected<TensorShape> out = layerOutput(layer, in);
            return out ? std::string("accepted") : out.error().message;
        };
        QVERIFY(refusal(windowAttentionLayer(2, 3, 0), {8, 8, 16}).find("tile") != std::string::npos);
        QVERIFY(refusal(windowAttentionLayer(2, 4, 4), {8, 8, 16}).find("shift") != std::string::npos);
        QVERIFY(refusal(windowAttentionLayer(3, 4, 0), {8, 8, 16}).find("heads") != std::string::npos);
        QVERIFY(refusal(patchMergeLayer(), {7, 8, 16}).find("even") != std::string::npos);
    }

    void patchMergingPlacesTheFourNeighboursInTorchvisionsOrder()
    {
        // 2 x 4 positions of 2 features, x(i, j, c) = (4 i + j) 2 + c: each output position holds
        // x(0, 2j), x(1, 2j), x(0, 2j + 1), x(1, 2j + 1).
        DnnDescription dnn;
        dnn.input = {2, 4, 2};
        dnn.subtasks.push_back({"merge", {Block{{patchMergeLayer()}, false, {}, {}}}});
        std::vector<float> x(16);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = static_cast<float>(i);
        const std::vector<float> y = runSubtaskOnCpu(dnn, 0, 1, x, makeSubtaskWeights(dnn, 0, 1));
        QCOMPARE(y, (std::vector<float>{0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15}));
    }

    void aShiftedWindowAttendsOnlyWithinItsRegion()
    {
        // 2 x 2 positions of 1 feature in one 2 x 2 window shifted by 1: every position comes from
        // another region of the unrolled image, so the mask leaves each token only itself, and
        // the output at each input position is proj(v) = 3 (2 x + 0.5) + 0.25 whatever q and k.
        // Unshifted, every token attends to all four.
        DnnDescription dnn;
        dnn.input = {2, 2, 1};
        dnn.subtasks.push_back({"window", {Block{{windowAttentionLayer(1, 2, 1)}, false, {}, {}}}});
        LayerWeights w;
        w.weights = {1, 1, 2, 3}; // q, k, v rows of the qkv projection, then the out projection
        w.bias = {0, 0, 0.5f, 0.25f};
        w.positionBias.assign(16, 0.0f);
        const std::vector<float> x = {0.1f, -0.4f, 0.7f, 0.3f};
        const std::vector<float> shifted = runSubtaskOnCpu(dnn, 0, 1, x, {w});
        for (size_t i = 0; i < x.size(); ++i)
            QVERIFY(std::fabs(shifted[i] - (6 * x[i] + 1.75f)) < 1e-6f);
        dnn.subtasks[0].blocks[0].layers[0].shift = 0;
        const std::vector<float> whole = runSubtaskOnCpu(dnn, 0, 1, x, {w});
        QVERIFY(std::fabs(whole[0] - (6 * x[0] + 1.75f)) > 0.1f);
    }

    void aWholeImageWindowIsTheSequencesAttention()
    {
        // One 3 x 3 window without a shift or a position bias is nn.MultiheadAttention on the
        // 9 positions as tokens, with the same projections.
        DnnDescription tokens;
        tokens.input = {9, 8, 1};
        tokens.subtasks.push_back({"attention", {Block{{attentionLayer(2)}, false, {}, {}}}});
        DnnDescription image;
        image.input = {3, 3, 8};
        image.subtasks.push_back({"window", {Block{{windowAttentionLayer(2, 3, 0)}, false, {}, {}}}});
        std::vector<LayerWeights> weights = makeSubtaskWeights(tokens, 0, 7);
        const std::vector<float> x = makeRandomInput(tokens.input, 2, 11);
        const std::vector<float> expected = runSubtaskOnCpu(tokens, 0, 2, x, weights);
        weights[0].positionBias.assign(2 * 9 * 9, 0.0f);
        const std::vector<float> y = runSubtaskOnCpu(image, 0, 2, x, weights);
        QCOMPARE(y.size(), expected.size());
        for (size_t i = 0; i < y.size(); ++i)
            QVERIFY(std::fabs(y[i] - expected[i]) < 1e-6f);
    }

    void anAddOverNestedBranchesIsStillRefused()
    {
        ModelBuilder b({1, 8, 8, 8});
        b.conv("x", "a", 8, 8, 1);
        b.conv("a", "p", 8, 8, 1);
        b.conv("a", "q", 8, 8, 1);
        b.node("Add", {"p", "q"}, "y", "/y/Add");
        b.node("Add", {"y", "x"}, "z", "/z/Add");
        b.output("z");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY(!imported);
        QVERIFY2(imported.error().message.find("nested branches") != std::string::npos, imported.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestOnnxRegions)
#include "test_onnxregions.moc"
