// Layer descriptions: the built-in DNNs against published figures, description files, and the
// CPU reference layers against hand calculations.
#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/io/fileio.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"

#include "tests/common/testdata.h"

#include <QDir>
#include <QTest>

#include <cmath>

using namespace coinfer;

namespace {

/// A plain block (no residual) of @p layers.
Block blockOf(std::vector<Layer> layers)
{
    Block block;
    block.layers = std::move(layers);
    return block;
}

struct Totals {
    double macs = 0;
    long long parameters = 0;
};

Totals totals(const std::vector<SubtaskStats>& stats)
{
    Totals t;
    for (const SubtaskStats& s : stats) {
        t.macs += s.macs;
        t.parameters += s.parameters;
    }
    return t;
}

QString dataPath(const QString& name)
{
    return QStringLiteral(COINFER_TEST_DATA "/") + name;
}

Layer layer(LayerKind kind, int out = 0, int kernel = 1, int stride = 1, int padding = 0)
{
    if (kind == LayerKind::Conv)
        return convLayer(out, kernel, stride, padding);
    if (kind == LayerKind::MaxPool || kind == LayerKind::AvgPool)
        return poolLayer(kind, kernel, stride, padding);
    return plainLayer(kind);
}

DnnDescription oneLayer(const TensorShape& input, const Layer& l)
{
    DnnDescription dnn;
    dnn.name = "one";
    dnn.input = input;
    dnn.subtasks = {{"only", {{{l}, false, {}, {}}}}};
    return dnn;
}

/// One sub-task of one concatenation block: out = afterAdd(concat(layers(x), branches...(x))).
DnnDescription concatenation(const TensorShape& input, std::vector<Layer> layers, std::vector<std::vector<Layer>> branches,
                             std::vector<Layer> afterAdd = {})
{
    Block block;
    block.layers = std::move(layers);
    block.branches = std::move(branches);
    block.afterAdd = std::move(afterAdd);
    DnnDescription dnn;
    dnn.name = "concat";
    dnn.input = input;
    dnn.subtasks = {{"only", {block}}};
    return dnn;
}

/// A sub-task of the given layers in one plain block.
DnnDescription chainOf(const TensorShape& input, std::vector<Layer> layers)
{
    DnnDescription dnn;
    dnn.name = "chain";
    dnn.input = input;
    dnn.subtasks = {{"only", {blockOf(std::move(layers))}}};
    return dnn;
}

/// A description using every layer kind and block form added for ONNX import.
DnnDescription newFeatures()
{
    DnnDescription dnn =
        concatenation({8, 10, 10}, {convLayer(16, 1), plainLayer(LayerKind::HardSwish)},
                      {{}, {plainLayer(LayerKind::Relu), convLayer(4, 3, 1, 1)}, {poolLayer(LayerKind::MaxPool, 3, 1, 1)}},
                      {convLayer(12, 1), clipLayer(-0.25, 0.5)});
    dnn.subtasks.push_back({"head", {blockOf({plainLayer(LayerKind::Sigmoid), plainLayer(LayerKind::GlobalAvgPool)})}});
    return dnn;
}

} // namespace

class TestDnn : public QObject {
    Q_OBJECT

private slots:
    void builtinsMatchPublishedFigures_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<long long>("parameters");
        QTest::addColumn<double>("gmacs");
        QTest::addColumn<int>("subtasks");
        // Parameters: torchvision's model documentation (learnable weights including batch norm).
        // Multiply-accumulates at 224 x 224: MobileNetV2 300 M (Sandler et al. 2018, Table 4),
        // ResNet-18 1.8 G (He et al. 2016, Table 1), VGG-16 15.47 G (torchvision's documentation).
        QTest::newRow("mobilenetv2") << "mobilenetv2" << 3504872LL << 0.300 << 20;
        QTest::newRow("resnet18") << "resnet18" << 11689512LL << 1.8 << 10;
        QTest::newRow("vgg16") << "vgg16" << 138357544LL << 15.47 << 8;
    }

    void builtinsMatchPublishedFigures()
    {
        QFETCH(QString, name);
        QFETCH(long long, parameters);
        QFETCH(double, gmacs);
        QFETCH(int, subtasks);
        Expected<DnnDescription> dnn = builtinDnn(name.toStdString());
        QVERIFY(dnn.has_value());
        Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*dnn);
        QVERIFY(stats.has_value());
        QCOMPARE(static_cast<int>(stats->size()), subtasks);
        const Totals t = totals(*stats);
        QCOMPARE(t.parameters, parameters);
        QVERIFY2(std::fabs(t.macs / 1e9 - gmacs) / gmacs < 0.02, qPrintable(QString::number(t.macs / 1e9)));
        QCOMPARE(stats->back().output, (TensorShape{1000, 1, 1}));
        QCOMPARE(stats->back().outputBytes, 4000.0);
        QCOMPARE(dnn->input.elements() * dnn->inputElementBytes, 150528LL);
    }

    void builtinShapesFollowThePapers()
    {
        const auto resnet = *analyzeDnn(*builtinDnn("resnet18"));
        QCOMPARE(resnet[0].output, (TensorShape{64, 56, 56}));  // conv1 + max pooling
        QCOMPARE(resnet[3].output, (TensorShape{128, 28, 28})); // conv3_x
        QCOMPARE(resnet[8].output, (TensorShape{512, 7, 7}));   // conv5_x
        QCOMPARE(resnet[0].outputBytes, 64.0 * 56 * 56 * 4);
        const auto mobilenet = *analyzeDnn(*builtinDnn("mobilenetv2"));
        QCOMPARE(mobilenet[0].output, (TensorShape{32, 112, 112}));
        QCOMPARE(mobilenet[1].output, (TensorShape{16, 112, 112}));
        QCOMPARE(mobilenet[3].output, (TensorShape{24, 56, 56}));
        QCOMPARE(mobilenet[17].output, (TensorShape{320, 7, 7}));
        QCOMPARE(mobilenet[18].output, (TensorShape{1280, 7, 7}));
        const auto vgg = *analyzeDnn(*builtinDnn("vgg16"));
        QCOMPARE(vgg[0].output, (TensorShape{64, 112, 112}));
        QCOMPARE(vgg[4].output, (TensorShape{512, 7, 7}));
        QCOMPARE(vgg[5].parameters, 25088LL * 4096 + 4096);
        // FLOPs count each multiply-accumulate twice.
        QVERIFY(vgg[5].flops >= 2 * vgg[5].macs);
    }

    void descriptionFileRoundTrips()
    {
        for (const std::string& name : builtinDnnNames()) {
            const DnnDescription dnn = *builtinDnn(name);
            Expected<DnnDescription> again = parseDnnDescription(dnnDescriptionToJson(dnn), name + ".json");
            QVERIFY2(again.has_value(), again ? "" : again.error().message.c_str());
            QCOMPARE(dnnSignature(*again), dnnSignature(dnn));
            QCOMPARE(totals(*analyzeDnn(*again)).parameters, totals(*analyzeDnn(dnn)).parameters);
        }
        Expected<DnnDescription> small = loadDnn(dataPath("good/small-dnn.json").toStdString());
        QVERIFY2(small.has_value(), small ? "" : small.error().message.c_str());
        QCOMPARE(small->subtasks.size(), size_t(3));
        QVERIFY(small->subtasks[1].blocks[0].residual);
    }

    void signatureFollowsTheLayers()
    {
        DnnDescription dnn = *builtinDnn("resnet18");
        const std::string before = dnnSignature(dnn);
        QCOMPARE(dnnSignature(*builtinDnn("resnet18")), before);
        dnn.name = "renamed";
        QCOMPARE(dnnSignature(dnn), before); // the name is not part of it
        dnn.subtasks[2].blocks[0].layers[0].kernel = 5;
        dnn.subtasks[2].blocks[0].layers[0].padding = 2;
        QVERIFY(dnnSignature(dnn) != before);
    }

    void refusesBadDescriptions_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        const auto rows = testing::badFileManifest(dataPath("bad-dnn/expected.tsv"));
        for (const auto& [file, fragment] : rows)
            QTest::newRow(qPrintable(file)) << file << fragment;
    }

    void refusesBadDescriptions()
    {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        Expected<DnnDescription> dnn = loadDnn(dataPath("bad-dnn/" + file).toStdString());
        QVERIFY(!dnn.has_value());
        QCOMPARE(int(dnn.error().code), int(ErrorCode::BadInput));
        const QString message = QString::fromStdString(dnn.error().message);
        QVERIFY2(message.contains(file) && message.contains(fragment), qPrintable(message));
    }

    void unknownBuiltinNamesTheKnownOnes()
    {
        Expected<DnnDescription> dnn = loadDnn("alexnet");
        QVERIFY(!dnn.has_value());
        QVERIFY(dnn.error().message.find("mobilenetv2, resnet18, vgg16") != std::string::npos);
    }

    void refusesATensorTooLargeToCount()
    {
        // 65536 x 256 x 256 elements = 2^32, over the 2^31 - 1 limit: a flatten once wrapped to a
        // negative feature count and negative FLOPs.
        DnnDescription dnn;
        dnn.name = "huge";
        dnn.input = {1, 256, 256};
        dnn.subtasks.push_back({"wide", {blockOf({convLayer(65536, 1)})}});
        dnn.subtasks.push_back({"flat", {blockOf({plainLayer(LayerKind::Flatten), linearLayer(10)})}});
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
        QVERIFY(!stats.has_value());
        const std::string& message = stats.error().message;
        QVERIFY2(message.find("subtasks[0].blocks[0].layers[0] (conv)") != std::string::npos, message.c_str());
        QVERIFY2(message.find("4294967296 elements") != std::string::npos, message.c_str());
    }

    void refusesAParameterCountThatWouldOverflow()
    {
        // Each 1x1 convolution from 10^6 to 10^6 channels has 10^12 weights; a thousand of them
        // pass 10^15, and ten thousand would pass 2^63.
        DnnDescription dnn;
        dnn.name = "deep";
        dnn.input = {1'000'000, 1, 1};
        Block block;
        for (int i = 0; i < 1001; ++i)
            block.layers.push_back(convLayer(1'000'000, 1));
        dnn.subtasks.push_back({"all", {block}});
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
        QVERIFY(!stats.has_value());
        const std::string& message = stats.error().message;
        QVERIFY2(message.find("layers[1000] (conv)") != std::string::npos, message.c_str());
        QVERIFY2(message.find("parameters") != std::string::npos, message.c_str());
        block.layers.resize(1000); // exactly 10^15: still accepted
        dnn.subtasks = {{"all", {block}}};
        const Expected<std::vector<SubtaskStats>> atLimit = analyzeDnn(dnn);
        QVERIFY2(atLimit.has_value(), atLimit.has_value() ? "" : atLimit.error().message.c_str());
        QCOMPARE(atLimit->front().parameters, kMaxParameters);
    }

    void refusesAParameterProductThatWouldWrap()
    {
        // tests/data/hostile/dnn/convolution-parameters-wrap.json: 997337 x 2*10^9 x 68 x 68
        // parameters is 9.2e21, beyond 2^63. The product once wrapped to -9223371497709551616,
        // passed the limit check, and `dnn show` printed a negative parameter count.
        DnnDescription dnn;
        dnn.name = "wrap";
        dnn.input = {2000, 1000, 1000};
        dnn.subtasks.push_back({"flat", {blockOf({plainLayer(LayerKind::Flatten)})}});
        dnn.subtasks.push_back({"wide", {blockOf({convLayer(997'337, 68, 1, 34)})}});
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
        QVERIFY2(!stats.has_value(), stats.has_value() ? std::to_string(stats->back().parameters).c_str() : "");
        const std::string& message = stats.error().message;
        QVERIFY2(message.find("subtasks[1].blocks[0].layers[0] (conv): brings the parameters to more than the limit") !=
                     std::string::npos,
                 message.c_str());
        // The same layer on a linear layer's scale: in.elements() x out_features saturates too.
        DnnDescription linear;
        linear.name = "linear";
        linear.input = {2000, 1000, 1000};
        linear.subtasks.push_back({"fc", {blockOf({plainLayer(LayerKind::Flatten), linearLayer(10'000'000)})}});
        QVERIFY(!analyzeDnn(linear).has_value());
    }

    void refusesAnInputTooLargeToCount()
    {
        // tests/data/hostile/dnn/input-of-10-18-elements.json: the input itself was never held
        // to the tensor limit, so 10^18 elements x 10^6 bytes wrapped in `dnn show`'s byte count.
        DnnDescription dnn;
        dnn.name = "huge input";
        dnn.input = {1'000'000, 1'000'000, 1'000'000};
        dnn.inputElementBytes = 1'000'000;
        dnn.subtasks.push_back({"pool", {blockOf({plainLayer(LayerKind::GlobalAvgPool)})}});
        Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
        QVERIFY(!stats.has_value());
        QVERIFY2(stats.error().message.find(
                     "input: 1000000x1000000x1000000 has 1000000000000000000 elements per sample, more than the "
                     "limit of 2147483647") != std::string::npos,
                 stats.error().message.c_str());
        dnn.input = {2'147'483'647, 1, 1}; // exactly the limit: accepted
        stats = analyzeDnn(dnn);
        QVERIFY2(stats.has_value(), stats.has_value() ? "" : stats.error().message.c_str());
    }

    void aDescriptionFileThatCannotBeReadSaysWhy()
    {
        // Before, a directory, a device or a file above the input limit were all "neither a
        // built-in DNN nor a readable description file", without the reason.
        const Expected<DnnDescription> device = loadDnn("/dev/zero");
        QVERIFY(!device.has_value());
        QVERIFY2(device.error().message.find("/dev/zero: is not a regular file") != std::string::npos,
                 device.error().message.c_str());
        const Expected<DnnDescription> folder = loadDnn(COINFER_TEST_DATA);
        QVERIFY(!folder.has_value());
        QVERIFY2(folder.error().message.find("is a directory, not a file") != std::string::npos, folder.error().message.c_str());
        // A name that is no file still lists the built-ins.
        const Expected<DnnDescription> unknown = loadDnn("no-such-dnn.json");
        QVERIFY(!unknown.has_value());
        QVERIFY2(unknown.error().message.find("neither a built-in DNN (mobilenetv2, resnet18, vgg16)") != std::string::npos,
                 unknown.error().message.c_str());
    }

    void cpuConvolutionByHand()
    {
        // 1 x 3 x 3 input 1..9, one 3 x 3 kernel of ones, padding 1: the centre sums everything.
        const DnnDescription dnn = oneLayer({1, 3, 3}, layer(LayerKind::Conv, 1, 3, 1, 1));
        std::vector<LayerWeights> weights(1);
        weights[0].weights.assign(9, 1.0f);
        const std::vector<float> input{1, 2, 3, 4, 5, 6, 7, 8, 9};
        const std::vector<float> out = runSubtaskOnCpu(dnn, 0, 1, input, weights);
        const std::vector<float> expected{12, 21, 16, 27, 45, 33, 24, 39, 28};
        QCOMPARE(out, expected);
    }

    void cpuGroupedConvolutionKeepsChannelsApart()
    {
        Layer depthwise = layer(LayerKind::Conv, 2, 1);
        depthwise.groups = 2;
        depthwise.bias = true;
        const DnnDescription dnn = oneLayer({2, 1, 2}, depthwise);
        std::vector<LayerWeights> weights(1);
        weights[0].weights = {2.0f, -1.0f};
        weights[0].bias = {0.5f, 1.0f};
        const std::vector<float> out = runSubtaskOnCpu(dnn, 0, 1, {1, 2, 3, 4}, weights);
        const std::vector<float> expected{2.5f, 4.5f, -2.0f, -3.0f};
        QCOMPARE(out, expected);
    }

    void cpuPoolingByHand()
    {
        const std::vector<float> input{1, 2, 3, 4, 5, 6, 7, 8, 9};
        const std::vector<LayerWeights> none(1);
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 3, 3}, layer(LayerKind::MaxPool, 0, 2, 1, 0)), 0, 1, input, none),
                 (std::vector<float>{5, 6, 8, 9}));
        // Average pooling counts the padding, as PyTorch's default does: the corner is 12 / 9.
        const std::vector<float> average =
            runSubtaskOnCpu(oneLayer({1, 3, 3}, layer(LayerKind::AvgPool, 0, 3, 2, 1)), 0, 1, input, none);
        QCOMPARE(average.size(), size_t(4));
        QVERIFY(std::fabs(average[0] - 12.0f / 9.0f) < 1e-6f);
        QVERIFY(std::fabs(average[3] - 28.0f / 9.0f) < 1e-6f);
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 3, 3}, layer(LayerKind::GlobalAvgPool)), 0, 1, input, none),
                 (std::vector<float>{5}));
    }

    void cpuBatchNormLinearAndActivations()
    {
        std::vector<LayerWeights> bn(1);
        bn[0].scale = {2.0f};
        bn[0].shift = {1.0f};
        bn[0].mean = {3.0f};
        bn[0].variance = {4.0f - 1e-5f};
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 1, 2}, layer(LayerKind::BatchNorm)), 0, 1, {3, 5}, bn),
                 (std::vector<float>{1, 3})); // (x - 3) / 2 * 2 + 1
        const std::vector<LayerWeights> none(1);
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 1, 3}, layer(LayerKind::Relu6)), 0, 1, {-1, 3, 9}, none),
                 (std::vector<float>{0, 3, 6}));
        Layer fc = layer(LayerKind::Linear);
        fc.outFeatures = 2;
        fc.bias = true;
        std::vector<LayerWeights> weights(1);
        weights[0].weights = {1, 2, 3, 4, 5, 6}; // [out][in]
        weights[0].bias = {10, 20};
        // Two samples of three features: [1, 0, -1] and [2, 2, 2].
        QCOMPARE(runSubtaskOnCpu(oneLayer({3, 1, 1}, fc), 0, 2, {1, 0, -1, 2, 2, 2}, weights),
                 (std::vector<float>{8, 18, 22, 50}));
    }

    void cpuResidualAddsTheShortcut()
    {
        DnnDescription dnn;
        dnn.name = "residual";
        dnn.input = {1, 1, 2};
        Layer scale = layer(LayerKind::Conv, 1, 1);
        dnn.subtasks = {{"block", {{{scale}, true, {}, {layer(LayerKind::Relu)}}}}};
        std::vector<LayerWeights> weights(2);
        weights[0].weights = {3.0f};
        // relu(3x + x): 4 and -8 -> 0.
        QCOMPARE(runSubtaskOnCpu(dnn, 0, 1, {1, -2}, weights), (std::vector<float>{4, 0}));
    }

    void seededWeightsAreReproducible()
    {
        const DnnDescription dnn = *builtinDnn("mobilenetv2");
        const auto a = makeSubtaskWeights(dnn, 3, 5);
        const auto b = makeSubtaskWeights(dnn, 3, 5);
        const auto c = makeSubtaskWeights(dnn, 3, 6);
        QCOMPARE(a.size(), b.size());
        QCOMPARE(a[0].weights, b[0].weights);
        QVERIFY(a[0].weights != c[0].weights);
        QCOMPARE(static_cast<long long>(a[0].weights.size()), 24LL * 144); // expansion 1x1: 144 = 24 x 6 hidden
    }

    void newElementwiseKindsKeepTheShapeAndCostTheirOperations_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("flopsPerElement");
        // The per-element operation counts documented in dnn.h (SubtaskStats::flops).
        QTest::newRow("clip") << int(LayerKind::Clip) << 2.0;
        QTest::newRow("hardswish") << int(LayerKind::HardSwish) << 5.0;
        QTest::newRow("sigmoid") << int(LayerKind::Sigmoid) << 4.0;
    }

    void newElementwiseKindsKeepTheShapeAndCostTheirOperations()
    {
        QFETCH(int, kind);
        QFETCH(double, flopsPerElement);
        const TensorShape input{4, 5, 6};
        const Layer l = LayerKind(kind) == LayerKind::Clip ? clipLayer(-1, 1) : plainLayer(LayerKind(kind));
        QCOMPARE(*layerOutput(l, input), input);
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(oneLayer(input, l));
        QVERIFY2(stats.has_value(), stats ? "" : stats.error().message.c_str());
        QCOMPARE(stats->front().output, input);
        QCOMPARE(stats->front().flops, flopsPerElement * 120);
        QCOMPARE(stats->front().macs, 0.0);
        QCOMPARE(stats->front().parameters, 0LL);
    }

    void clipBoundsMustBeFiniteAndOrdered()
    {
        QVERIFY(analyzeDnn(oneLayer({1, 2, 2}, clipLayer(0.5, 0.5))).has_value()); // a constant is a clip too
        for (const Layer& bad : {clipLayer(2, 1), clipLayer(NAN, 1), clipLayer(0, INFINITY), clipLayer(-INFINITY, 0)}) {
            const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(oneLayer({1, 2, 2}, bad));
            QVERIFY(!stats.has_value());
            const std::string& message = stats.error().message;
            QVERIFY2(message.find("subtasks[0].blocks[0].layers[0] (clip): needs finite bounds with min <= max") !=
                         std::string::npos,
                     message.c_str());
        }
    }

    void concatenationAddsTheChannelsAndTheCosts()
    {
        const DnnDescription dnn = concatenation({8, 10, 10}, {convLayer(16, 1)},
                                                 {{}, {convLayer(4, 3, 1, 1)}, {poolLayer(LayerKind::MaxPool, 3, 1, 1)}});
        Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
        QVERIFY2(stats.has_value(), stats ? "" : stats.error().message.c_str());
        QCOMPARE(stats->front().output, (TensorShape{16 + 8 + 4 + 8, 10, 10}));
        const double macs = 16.0 * 8 * 100 + 4.0 * 8 * 9 * 100;
        QCOMPARE(stats->front().macs, macs);
        QCOMPARE(stats->front().flops, 2 * macs + 8.0 * 100 * 9); // the copies cost nothing, the pooling k^2 per output
        QCOMPARE(stats->front().parameters, 16LL * 8 + 4LL * 8 * 9);
        // after_add runs on the joined tensor.
        stats = analyzeDnn(concatenation({8, 10, 10}, {convLayer(16, 1)}, {{}}, {convLayer(12, 1)}));
        QVERIFY(stats.has_value());
        QCOMPARE(stats->front().output, (TensorShape{12, 10, 10}));
        QCOMPARE(stats->front().parameters, 16LL * 8 + 12LL * 24);
    }

    void concatenationRefusesPartsOfDifferentSizes()
    {
        Expected<std::vector<SubtaskStats>> stats =
            analyzeDnn(concatenation({8, 10, 10}, {convLayer(16, 1)}, {{}, {convLayer(4, 3, 2, 1)}}));
        QVERIFY(!stats.has_value());
        QVERIFY2(stats.error().message.find(
                     "subtasks[0].blocks[0].branches[1]: gives a 4x5x5 output where the block's layers give 16x10x10") !=
                     std::string::npos,
                 stats.error().message.c_str());
        // A bad layer inside a branch is named with its branch.
        stats = analyzeDnn(concatenation({8, 10, 10}, {}, {{convLayer(4, 11)}}));
        QVERIFY(!stats.has_value());
        QVERIFY2(stats.error().message.find("subtasks[0].blocks[0].branches[0][0] (conv): a 11x11 kernel") != std::string::npos,
                 stats.error().message.c_str());
        DnnDescription both = concatenation({8, 10, 10}, {convLayer(8, 1)}, {{}});
        both.subtasks[0].blocks[0].residual = true;
        stats = analyzeDnn(both);
        QVERIFY(!stats.has_value());
        QVERIFY2(stats.error().message.find(
                     "subtasks[0].blocks[0]: a block is residual (shortcut) or concatenating (branches), never both") !=
                     std::string::npos,
                 stats.error().message.c_str());
    }

    void newFeaturesRoundTripThroughTheFile()
    {
        const DnnDescription dnn = newFeatures();
        const std::string text = dnnDescriptionToJson(dnn);
        QVERIFY2(text.find("\"identity\"") != std::string::npos, text.c_str());
        std::vector<std::string> warnings;
        Expected<DnnDescription> again = parseDnnDescription(text, "new.json", &warnings);
        QVERIFY2(again.has_value(), again ? "" : again.error().message.c_str());
        QVERIFY(warnings.empty());
        QCOMPARE(dnnDescriptionToJson(*again), text);
        QCOMPARE(dnnSignature(*again), dnnSignature(dnn));
        const Block& block = again->subtasks[0].blocks[0];
        QCOMPARE(block.branches.size(), size_t(3));
        QVERIFY(block.branches[0].empty());
        QCOMPARE(block.branches[1].size(), size_t(2));
        QCOMPARE(block.afterAdd.size(), size_t(2));
        QCOMPARE(block.afterAdd[1].kind, LayerKind::Clip);
        QCOMPARE(block.afterAdd[1].clipMin, -0.25);
        QCOMPARE(block.afterAdd[1].clipMax, 0.5);
        QCOMPARE(block.layers[1].kind, LayerKind::HardSwish);
        QCOMPARE(again->subtasks[1].blocks[0].layers[0].kind, LayerKind::Sigmoid);
        // An empty list is an identity branch as "identity" is.
        std::string emptyList = text;
        emptyList.replace(emptyList.find("\"identity\""), 10, "[]");
        Expected<DnnDescription> fromList = parseDnnDescription(emptyList, "list.json");
        QVERIFY2(fromList.has_value(), fromList ? "" : fromList.error().message.c_str());
        QCOMPARE(dnnSignature(*fromList), dnnSignature(dnn));
    }

    void newFeaturesChangeTheSignature()
    {
        const DnnDescription dnn = newFeatures();
        const std::string signature = dnnSignature(dnn);
        DnnDescription other = dnn;
        other.subtasks[0].blocks[0].afterAdd[1].clipMax = 0.75;
        QVERIFY(dnnSignature(other) != signature);
        other = dnn;
        other.subtasks[0].blocks[0].branches.pop_back();
        QVERIFY(dnnSignature(other) != signature);
        other = dnn;
        other.subtasks[0].blocks[0].branches[0] = {plainLayer(LayerKind::Relu)};
        QVERIFY(dnnSignature(other) != signature);
        other = dnn;
        other.subtasks[1].blocks[0].layers[0] = plainLayer(LayerKind::Relu);
        QVERIFY(dnnSignature(other) != signature);
        // A clip from 0 to 6 computes relu6 but is another layer, and so another measurement.
        QVERIFY(dnnSignature(oneLayer({1, 2, 2}, clipLayer(0, 6))) !=
                dnnSignature(oneLayer({1, 2, 2}, plainLayer(LayerKind::Relu6))));
    }

    void builtinSignaturesStillMatchTheShippedProfiles()
    {
        // The shipped profiles recorded the signatures of the built-ins before clip, hardswish,
        // sigmoid and concatenation blocks existed; descriptions without them must keep theirs.
        const QStringList files = QDir(COINFER_PROFILES).entryList({"*.json"}, QDir::Files);
        QVERIFY(files.size() >= 3);
        for (const QString& file : files) {
            const Expected<GpuProfile> profile = readGpuProfile(QStringLiteral(COINFER_PROFILES "/%1").arg(file).toStdString());
            QVERIFY2(profile.has_value(), profile ? "" : profile.error().message.c_str());
            const Expected<DnnDescription> dnn = testing::shippedProfileDnn(*profile);
            if (!dnn && dnn.error().code == ErrorCode::NoDevice)
                continue; // an imported model's profile, and this build cannot import ONNX
            QVERIFY2(dnn.has_value(), qPrintable(file));
            QCOMPARE(QString::fromStdString(dnnSignature(*dnn)), QString::fromStdString(profile->dnnSignature));
        }
    }

    void cpuNewActivationsFollowTheirFormulas()
    {
        const std::vector<LayerWeights> none(1);
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 1, 5}, clipLayer(-1, 2)), 0, 1, {-3, -1, 0.5f, 2, 7}, none),
                 (std::vector<float>{-1, -1, 0.5f, 2, 2}));
        // x * relu6(x + 3) / 6: zero up to -3, x itself from 3 on, -1 * 2 / 6 and 1.5 * 4.5 / 6 between.
        const std::vector<float> swish =
            runSubtaskOnCpu(oneLayer({1, 1, 7}, plainLayer(LayerKind::HardSwish)), 0, 1, {-4, -3, -1, 0, 1.5f, 3, 5}, none);
        const std::vector<float> swishExpected{0, 0, -1.0f / 3.0f, 0, 1.125f, 3, 5};
        QCOMPARE(swish.size(), swishExpected.size());
        for (size_t i = 0; i < swish.size(); ++i)
            QVERIFY2(std::fabs(swish[i] - swishExpected[i]) < 1e-6f, qPrintable(QString::number(i)));
        // 1 / (1 + e^-x): 1/2 at 0, 3/4 at ln 3, 1/4 at -ln 3.
        const float ln3 = std::log(3.0f);
        const std::vector<float> sigmoid =
            runSubtaskOnCpu(oneLayer({1, 1, 3}, plainLayer(LayerKind::Sigmoid)), 0, 1, {0, ln3, -ln3}, none);
        QVERIFY(std::fabs(sigmoid[0] - 0.5f) < 1e-6f);
        QVERIFY(std::fabs(sigmoid[1] - 0.75f) < 1e-6f);
        QVERIFY(std::fabs(sigmoid[2] - 0.25f) < 1e-6f);
    }

    void cpuConcatenationJoinsTheBranchesRunApart()
    {
        // Two samples; the parts run as separate DNNs with the same weights and are joined by
        // hand, sample by sample: [layers(x), x, branch(x)], then after_add.
        const TensorShape input{2, 4, 4};
        const std::vector<Layer> main{convLayer(3, 1, 1, 0, 1, true)};
        const std::vector<Layer> branch{plainLayer(LayerKind::Relu), convLayer(2, 3, 1, 1), plainLayer(LayerKind::Sigmoid)};
        const DnnDescription dnn = concatenation(input, main, {{}, branch}, {clipLayer(-0.1, 0.2)});
        const std::vector<LayerWeights> weights = makeSubtaskWeights(dnn, 0, 3);
        QCOMPARE(weights.size(), size_t(5)); // layers, the branch's three, after_add
        const int batch = 2;
        const std::vector<float> x = makeRandomInput(input, batch, 4);
        const std::vector<float> got = runSubtaskOnCpu(dnn, 0, batch, x, weights);

        const std::vector<float> mainOut = runSubtaskOnCpu(chainOf(input, main), 0, batch, x, {weights[0]});
        const std::vector<float> branchOut =
            runSubtaskOnCpu(chainOf(input, branch), 0, batch, x, {weights[1], weights[2], weights[3]});
        std::vector<float> expected;
        for (int n = 0; n < batch; ++n) {
            expected.insert(expected.end(), mainOut.begin() + n * 48, mainOut.begin() + (n + 1) * 48);     // 3 x 4 x 4
            expected.insert(expected.end(), x.begin() + n * 32, x.begin() + (n + 1) * 32);                 // 2 x 4 x 4
            expected.insert(expected.end(), branchOut.begin() + n * 32, branchOut.begin() + (n + 1) * 32); // 2 x 4 x 4
        }
        for (float& v : expected)
            v = std::min(std::max(v, -0.1f), 0.2f);
        QCOMPARE(got, expected);
        QCOMPARE(subtaskInputShape(dnn, 1 - 1), input);
        QCOMPARE(analyzeDnn(dnn)->front().output, (TensorShape{7, 4, 4}));
    }
};

QTEST_APPLESS_MAIN(TestDnn)
#include "test_dnn.moc"
