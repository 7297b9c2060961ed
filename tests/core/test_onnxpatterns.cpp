// ONNX import of the patterns that make one layer from several nodes (core/io/onnxfusion.cpp):
// SiLU, hardswish at opset 13, squeeze-and-excitation, global pooling by ReduceMean, a Pad before
// an average pooling, and pooling that rounds up. Small models built with ONNX's protobuf API.
#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/onnximport.h"
#include "core/io/onnxrun.h"

#include "onnxmodelbuilder.h"
#include "onnxmodels.h"

#include <onnx/onnx_pb.h>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

using namespace coinfer;
using coinfer::testing::finalOutput;
using coinfer::testing::int64Initializer;
using coinfer::testing::ModelBuilder;

namespace {

/// Every layer of @p dnn in order (blocks' layers, branches, shortcut, after_add).
std::vector<Layer> allLayers(const DnnDescription& dnn)
{
    std::vector<Layer> layers;
    for (const SubtaskDescription& subtask : dnn.subtasks)
        for (const Block& block : subtask.blocks) {
            layers.insert(layers.end(), block.layers.begin(), block.layers.end());
            for (const auto& branch : block.branches)
                layers.insert(layers.end(), branch.begin(), branch.end());
            layers.insert(layers.end(), block.shortcut.begin(), block.shortcut.end());
            layers.insert(layers.end(), block.afterAdd.begin(), block.afterAdd.end());
        }
    return layers;
}

std::vector<LayerKind> kinds(const DnnDescription& dnn)
{
    std::vector<LayerKind> result;
    for (const Layer& layer : allLayers(dnn))
        result.push_back(layer.kind);
    return result;
}

OnnxImport imported(const ModelBuilder& b)
{
    const Expected<OnnxImport> result = b.import();
    if (!result)
        qFatal("%s", result.error().message.c_str());
    return *result;
}

/// The description written and read back describes the same network: the same JSON and analysis.
void expectSameAfterReading(const DnnDescription& dnn)
{
    const std::string json = dnnDescriptionToJson(dnn);
    const Expected<DnnDescription> read = parseDnnDescription(json, "written.json");
    QVERIFY2(read, read ? "" : read.error().message.c_str());
    QCOMPARE(dnnDescriptionToJson(*read), json);
    QCOMPARE(coinfer::testing::totalMacs(*read), coinfer::testing::totalMacs(dnn));
    QCOMPARE(finalOutput(*read), finalOutput(dnn));
}

void floatAttribute(onnx::NodeProto& node, const std::string& name, float value)
{
    auto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto::FLOAT);
    attribute->set_f(value);
}

/// A 1x1 convolution with a bias, as torchvision's squeeze-and-excitation writes it.
void pointwise(ModelBuilder& b, const std::string& in, const std::string& out, int inChannels, int outChannels)
{
    const std::string w = b.weight(out + ".w", {outChannels, inChannels, 1, 1});
    const std::string bias = b.weight(out + ".b", {outChannels});
    ModelBuilder::ints(b.node("Conv", {in, w, bias}, out, "/" + out + "/Conv"), "kernel_shape", {1, 1});
}

/// PyTorch's exact GELU at opset 13: x * (1 + Erf(x / @p divisor)) * @p half, on the input x.
void gelu(ModelBuilder& b, float divisor, float half, bool halved = true)
{
    b.constant("root2", divisor);
    b.constant("one", 1.0f);
    b.constant("half", half);
    b.node("Div", {"x", "root2"}, "scaled", "/gelu/Div");
    b.node("Erf", {"scaled"}, "erf", "/gelu/Erf");
    b.node("Add", {"erf", "one"}, "plus1", "/gelu/Add");
    b.node("Mul", {"x", "plus1"}, halved ? "product" : "y", "/gelu/Mul");
    if (halved)
        b.node("Mul", {"product", "half"}, "y", "/gelu/Mul_1");
    b.output("y");
}

} // namespace

class TestOnnxPatterns : public QObject {
    Q_OBJECT

private slots:
    void xTimesItsSigmoidIsSilu()
    {
        ModelBuilder b({1, 3, 8, 8});
        b.conv("x", "c1", 3, 4, 3, 1, 1);
        b.node("Sigmoid", {"c1"}, "s1", "/act/Sigmoid");
        b.node("Mul", {"s1", "c1"}, "y", "/act/Mul"); // either order of the operands
        b.output("y");
        const OnnxImport result = imported(b);
        QCOMPARE(kinds(result.dnn), (std::vector<LayerKind>{LayerKind::Conv, LayerKind::SiLU}));
        // The convolution's 2 x MACs and 5 per element for the SiLU (dnn.h).
        const double convMacs = 4.0 * 8 * 8 * 3 * 9;
        double flops = 0;
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(result.dnn); // kept: *analyzeDnn() would dangle
        for (const SubtaskStats& s : *stats)
            flops += s.flops;
        QCOMPARE(flops, 2 * convMacs + 5.0 * 4 * 8 * 8);
    }

    void xTimesItsHardSigmoidIsHardswish()
    {
        ModelBuilder b({1, 3, 8, 8});
        b.conv("x", "c1", 3, 4, 3, 1, 1);
        onnx::NodeProto& gate = b.node("HardSigmoid", {"c1"}, "h1", "/act/HardSigmoid");
        floatAttribute(gate, "alpha", 1.0f / 6);
        b.node("Mul", {"c1", "h1"}, "y", "/act/Mul");
        b.output("y");
        QCOMPARE(kinds(imported(b).dnn), (std::vector<LayerKind>{LayerKind::Conv, LayerKind::HardSwish}));
    }

    void aLoneHardSigmoidKeepsItsSlope()
    {
        ModelBuilder b({1, 3, 8, 8});
        floatAttribute(b.node("HardSigmoid", {"x"}, "y", "/act/HardSigmoid"), "beta", 0.25f);
        b.output("y");
        const std::vector<Layer> layers = allLayers(imported(b).dnn);
        QCOMPARE(layers.size(), size_t{1});
        QCOMPARE(layers[0].kind, LayerKind::HardSigmoid);
        QCOMPARE(layers[0].alpha, double(0.2f)); // ONNX's default
        QCOMPARE(layers[0].beta, 0.25);
    }

    /// MobileNetV3's block: pool, squeeze, relu, excite, hardsigmoid, product; EfficientNet's has
    /// SiLU between and a sigmoid gate.
    void squeezeAndExcitationIsOneLayer_data()
    {
        QTest::addColumn<bool>("efficientNet");
        QTest::newRow("mobilenet_v3") << false;
        QTest::newRow("efficientnet") << true;
    }

    void squeezeAndExcitationIsOneLayer()
    {
        QFETCH(bool, efficientNet);
        ModelBuilder b({1, 3, 8, 8});
        b.conv("x", "c1", 3, 8, 3, 1, 1);
        b.node("GlobalAveragePool", {"c1"}, "pooled", "/se/avgpool/GlobalAveragePool");
        pointwise(b, "pooled", "squeezed", 8, 2);
        if (efficientNet) {
            b.node("Sigmoid", {"squeezed"}, "s", "/se/act/Sigmoid");
            b.node("Mul", {"squeezed", "s"}, "act", "/se/act/Mul");
        } else {
            b.node("Relu", {"squeezed"}, "act", "/se/act/Relu");
        }
        pointwise(b, "act", "excited", 2, 8);
        onnx::NodeProto& gate = b.node(efficientNet ? "Sigmoid" : "HardSigmoid", {"excited"}, "gate", "/se/gate");
        if (!efficientNet)
            floatAttribute(gate, "alpha", 1.0f / 6);
        b.node("Mul", {"gate", "c1"}, "y", "/se/Mul");
        b.output("y");
        const OnnxImport result = imported(b);
        const std::vector<Layer> layers = allLayers(result.dnn);
        QCOMPARE(kinds(result.dnn), (std::vector<LayerKind>{LayerKind::Conv, LayerKind::SqueezeExcite}));
        QCOMPARE(layers[1].outChannels, 2);
        QCOMPARE(layers[1].activation, efficientNet ? LayerKind::SiLU : LayerKind::Relu);
        QCOMPARE(layers[1].gate, efficientNet ? LayerKind::Sigmoid : LayerKind::HardSigmoid);
        long long parameters = 0;
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(result.dnn); // kept: *analyzeDnn() would dangle
        for (const SubtaskStats& s : *stats)
            parameters += s.parameters;
        // The first convolution's 8 x 3 x 9, then 2 x 8 + 2 and 8 x 2 + 8 for the two 1x1s.
        QCOMPARE(parameters, 8LL * 3 * 9 + (2 * 8 + 2) + (8 * 2 + 8));
        QCOMPARE(finalOutput(result.dnn), (TensorShape{8, 8, 8}));
        expectSameAfterReading(result.dnn);
    }

    void reduceMeanOverHeightAndWidthIsGlobalPooling()
    {
        ModelBuilder b({1, 4, 8, 8});
        onnx::NodeProto& mean = b.node("ReduceMean", {"x"}, "m", "/mean/ReduceMean");
        ModelBuilder::ints(mean, "axes", {2, 3});
        ModelBuilder::integer(mean, "keepdims", 0);
        ModelBuilder::integer(b.node("Gemm", {"m", b.weight("fc.w", {10, 4}), b.weight("fc.b", {10})}, "y", "/fc/Gemm"), "transB",
                              1);
        b.output("y");
        QCOMPARE(kinds(imported(b).dnn), (std::vector<LayerKind>{LayerKind::GlobalAvgPool, LayerKind::Linear}));
    }

    void aZeroPadBeforeAnAveragePoolingFoldsIntoIt()
    {
        // PyTorch's avg_pool2d(x, 3, 1, 1) with count_include_pad, as Inception exports it.
        ModelBuilder b({1, 4, 8, 8});
        b.node("Pad", {"x", int64Initializer(b, "pads", {0, 0, 1, 1, 0, 0, 1, 1})}, "padded", "/pool/Pad");
        ModelBuilder::ints(b.node("AveragePool", {"padded"}, "y", "/pool/AveragePool"), "kernel_shape", {3, 3});
        b.output("y");
        const OnnxImport result = imported(b);
        const std::vector<Layer> layers = allLayers(result.dnn);
        QCOMPARE(layers.size(), size_t{1});
        QCOMPARE(layers[0].kind, LayerKind::AvgPool);
        QCOMPARE(layers[0].padding, 1);
        QCOMPARE(result.dnn.subtasks.size(), size_t{1}); // never cut between the Pad and its pooling
        QCOMPARE(finalOutput(result.dnn), (TensorShape{4, 8, 8}));
    }

    /// A file with its weights: the large payload is skipped in the file, the small one (a clip's
    /// bound) kept, and the import is the one of the same graph without weights.
    void aModelWithItsWeightsImportsFromTheFile()
    {
        ModelBuilder b({1, 1024});
        onnx::TensorProto* weight = b.model().mutable_graph()->add_initializer();
        weight->set_name("fc.w");
        weight->set_data_type(onnx::TensorProto::FLOAT);
        weight->add_dims(1000);
        weight->add_dims(1024);
        weight->set_raw_data(std::string(1000 * 1024 * sizeof(float), '\x01'));
        onnx::TensorProto* bound = b.model().mutable_graph()->add_initializer();
        bound->set_name("six");
        bound->set_data_type(onnx::TensorProto::FLOAT);
        bound->add_float_data(6.0f);
        b.constant("zero", 0.0f);
        ModelBuilder::integer(b.node("Gemm", {"x", "fc.w"}, "fc", "/fc/Gemm"), "transB", 1);
        b.node("Clip", {"fc", "zero", "six"}, "y", "/act/Clip");
        b.output("y");
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/with-weights.onnx";
        QVERIFY(writeFileAtomically(path, b.bytes()));
        const Expected<OnnxImport> fromFile = importOnnx(path);
        QVERIFY2(fromFile, fromFile ? "" : fromFile.error().message.c_str());
        QCOMPARE(kinds(fromFile->dnn), (std::vector<LayerKind>{LayerKind::Linear, LayerKind::Relu6}));
        weight->clear_raw_data();
        const Expected<OnnxImport> withoutWeights = b.import();
        QVERIFY(withoutWeights);
        QCOMPARE(kinds(withoutWeights->dnn), kinds(fromFile->dnn));
        QCOMPARE(finalOutput(withoutWeights->dnn), finalOutput(fromFile->dnn));
    }

    /// Inception's 1x7 convolution and a dilated one: shapes and MACs by hand.
    void nonSquareAndDilatedWindows()
    {
        ModelBuilder b({1, 4, 17, 17});
        onnx::NodeProto& wide = b.node("Conv", {"x", b.weight("w1", {8, 4, 1, 7})}, "c1", "/c1/Conv");
        ModelBuilder::ints(wide, "kernel_shape", {1, 7});
        ModelBuilder::ints(wide, "pads", {0, 3, 0, 3});
        ModelBuilder::ints(wide, "strides", {1, 2});
        onnx::NodeProto& dilated = b.node("Conv", {"c1", b.weight("w2", {8, 8, 3, 3})}, "y", "/c2/Conv");
        ModelBuilder::ints(dilated, "kernel_shape", {3, 3});
        ModelBuilder::ints(dilated, "dilations", {2, 2});
        b.output("y");
        const OnnxImport result = imported(b);
        // 17x17 -> 17 x ((17 + 6 - 7) / 2 + 1 = 9) -> a dilated 3x3 spans 5: 13 x 5.
        QCOMPARE(finalOutput(result.dnn), (TensorShape{8, 13, 5}));
        const std::vector<Layer> layers = allLayers(result.dnn);
        QCOMPARE(layers[0].kernelW(), 7);
        QCOMPARE(layers[1].dilation, 2);
        QCOMPARE(coinfer::testing::totalMacs(result.dnn), 8.0 * 17 * 9 * 4 * 7 + 8.0 * 13 * 5 * 8 * 9);
        expectSameAfterReading(result.dnn);
    }

    void erfFormIsGeluAndRunsAsTheDefinition()
    {
        ModelBuilder b({1, 4, 3}); // a sequence of 4 tokens of 3 features
        gelu(b, static_cast<float>(std::sqrt(2.0)), 0.5f);
        const OnnxImport result = imported(b);
        QCOMPARE(kinds(result.dnn), (std::vector<LayerKind>{LayerKind::Gelu}));
        double flops = 0;
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(result.dnn);
        for (const SubtaskStats& s : *stats)
            flops += s.flops;
        QCOMPARE(flops, 8.0 * 12); // 8 per element (dnn.h)
        expectSameAfterReading(result.dnn);
        // The CPU reference against GELU's definition, 0.5 x (1 + erf(x / sqrt 2)), in double.
        QTemporaryDir dir;
        const std::string path = dir.filePath("gelu.onnx").toStdString();
        std::ofstream(path, std::ios::binary) << b.bytes();
        OnnxTensor x{"x", {1, 4, 3}, {}};
        for (int i = 0; i < 12; ++i)
            x.values.push_back(-3.0f + 0.55f * static_cast<float>(i));
        const Expected<OnnxTensor> y = runOnnxOnCpu(path, {x});
        QVERIFY2(y, y ? "" : y.error().message.c_str());
        QCOMPARE(y->values.size(), size_t{12});
        for (size_t i = 0; i < 12; ++i) {
            const double v = x.values[i], expected = 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
            QVERIFY(std::fabs(y->values[i] - expected) <= 1e-6 * (1 + std::fabs(expected)));
        }
    }

    void erfFormsThatAreNotGeluAreRefused()
    {
        ModelBuilder unhalved({1, 4, 3});
        gelu(unhalved, static_cast<float>(std::sqrt(2.0)), 0.5f, false);
        Expected<OnnxImport> result = unhalved.import();
        QVERIFY(!result);
        QVERIFY2(result.error().message.find("without halving it") != std::string::npos, result.error().message.c_str());
        ModelBuilder otherScale({1, 4, 3});
        gelu(otherScale, 2.0f, 0.5f); // erf(x / 2): not GELU, so its Mul of two activations is no pattern
        result = otherScale.import();
        QVERIFY(!result);
        QVERIFY2(result.error().message.find("multiplies two activations") != std::string::npos, result.error().message.c_str());
    }

    void softmaxTakesTheAxisOfTheSample()
    {
        ModelBuilder b({1, 4, 6}); // opset 13: the last axis by default, the sequence's features
        b.node("Softmax", {"x"}, "y", "/softmax");
        b.output("y");
        const OnnxImport result = imported(b);
        const std::vector<Layer> layers = allLayers(result.dnn);
        QCOMPARE(layers.size(), size_t{1});
        QCOMPARE(layers[0].kind, LayerKind::Softmax);
        QCOMPARE(layers[0].axis, 1); // N x C x L: L is the sample's height
        expectSameAfterReading(result.dnn);
        ModelBuilder batch({2, 4});
        ModelBuilder::integer(batch.node("Softmax", {"x"}, "y", "/softmax"), "axis", 0);
        batch.output("y");
        const Expected<OnnxImport> refused = batch.import();
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("not the batch") != std::string::npos, refused.error().message.c_str());
    }

    void ceilModeRoundsTheOutputUp()
    {
        // 8 wide, window 3, stride 2: (8 - 3) / 2 = 2.5 windows after the first, 3 rounded up.
        ModelBuilder b({1, 4, 8, 8});
        onnx::NodeProto& pool = b.node("MaxPool", {"x"}, "y", "/pool");
        ModelBuilder::ints(pool, "kernel_shape", {3, 3});
        ModelBuilder::ints(pool, "strides", {2, 2});
        ModelBuilder::integer(pool, "ceil_mode", 1);
        b.output("y");
        QCOMPARE(finalOutput(imported(b).dnn), (TensorShape{4, 4, 4}));
    }
};

QTEST_APPLESS_MAIN(TestOnnxPatterns)
#include "test_onnxpatterns.moc"
