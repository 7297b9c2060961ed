// Layer descriptions: the built-in DNNs against published figures, description files, and the
// CPU reference layers against hand calculations.
#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/io/fileio.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"

#include "tests/common/testdata.h"

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

QString dataPath(const QString& name) { return QStringLiteral(COINFER_TEST_DATA "/") + name; }

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
        dnn.subtasks.push_back({"wide", {Block{{convLayer(65536, 1)}}}});
        dnn.subtasks.push_back({"flat", {Block{{plainLayer(LayerKind::Flatten), linearLayer(10)}}}});
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
        QVERIFY2(message.find("subtasks[1].blocks[0].layers[0] (conv): brings the parameters to more than the limit") != std::string::npos,
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
        QVERIFY2(stats.error().message.find("input: 1000000x1000000x1000000 has 1000000000000000000 elements per sample, more than the "
                                            "limit of 2147483647")
                     != std::string::npos,
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
        QVERIFY2(device.error().message.find("/dev/zero: is not a regular file") != std::string::npos, device.error().message.c_str());
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
        const std::vector<float> average = runSubtaskOnCpu(oneLayer({1, 3, 3}, layer(LayerKind::AvgPool, 0, 3, 2, 1)), 0, 1, input, none);
        QCOMPARE(average.size(), size_t(4));
        QVERIFY(std::fabs(average[0] - 12.0f / 9.0f) < 1e-6f);
        QVERIFY(std::fabs(average[3] - 28.0f / 9.0f) < 1e-6f);
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 3, 3}, layer(LayerKind::GlobalAvgPool)), 0, 1, input, none), (std::vector<float>{5}));
    }

    void cpuBatchNormLinearAndActivations()
    {
        std::vector<LayerWeights> bn(1);
        bn[0].scale = {2.0f};
        bn[0].shift = {1.0f};
        bn[0].mean = {3.0f};
        bn[0].variance = {4.0f - 1e-5f};
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 1, 2}, layer(LayerKind::BatchNorm)), 0, 1, {3, 5}, bn), (std::vector<float>{1, 3})); // (x - 3) / 2 * 2 + 1
        const std::vector<LayerWeights> none(1);
        QCOMPARE(runSubtaskOnCpu(oneLayer({1, 1, 3}, layer(LayerKind::Relu6)), 0, 1, {-1, 3, 9}, none), (std::vector<float>{0, 3, 6}));
        Layer fc = layer(LayerKind::Linear);
        fc.outFeatures = 2;
        fc.bias = true;
        std::vector<LayerWeights> weights(1);
        weights[0].weights = {1, 2, 3, 4, 5, 6}; // [out][in]
        weights[0].bias = {10, 20};
        // Two samples of three features: [1, 0, -1] and [2, 2, 2].
        QCOMPARE(runSubtaskOnCpu(oneLayer({3, 1, 1}, fc), 0, 2, {1, 0, -1, 2, 2, 2}, weights), (std::vector<float>{8, 18, 22, 50}));
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
};

QTEST_APPLESS_MAIN(TestDnn)
#include "test_dnn.moc"
