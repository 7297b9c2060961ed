// ONNX import: torchvision's graphs against the built-in DNNs, and small models built
// here with ONNX's protobuf API for each structure and each kind of bad input.
#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/onnximport.h"
#include "core/io/profileio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "core/simulation/simulator.h"

#include "tests/common/testdata.h"
#include "onnxmodelbuilder.h"

#include <onnx/onnx_pb.h>

#include <QTemporaryDir>
#include <QTest>

#include <cfloat>
#include <tuple>

#include <cmath>

using namespace coinfer;
using coinfer::testing::ModelBuilder;

namespace {

const std::string kOnnxData = COINFER_TEST_DATA "/onnx/";

/// A chain: Conv 3->8 k3 p1, Relu, MaxPool 2/2, Conv 8->16 k3 s2 p1, Relu, GAP, Flatten, Gemm 16->10.
ModelBuilder chainModel()
{
    ModelBuilder b({1, 3, 32, 32});
    b.conv("x", "c1", 3, 8, 3, 1, 1);
    b.node("Relu", {"c1"}, "r1", "/r1/Relu");
    onnx::NodeProto& pool = b.node("MaxPool", {"r1"}, "p1", "/p1/MaxPool");
    ModelBuilder::ints(pool, "kernel_shape", {2, 2});
    ModelBuilder::ints(pool, "strides", {2, 2});
    b.conv("p1", "c2", 8, 16, 3, 2, 1);
    b.node("Relu", {"c2"}, "r2", "/r2/Relu");
    b.node("GlobalAveragePool", {"r2"}, "g", "/g/GlobalAveragePool");
    b.node("Flatten", {"g"}, "f", "/f/Flatten");
    ModelBuilder::integer(b.node("Gemm", {"f", b.weight("fc.w", {10, 16}), b.weight("fc.b", {10})}, "y", "/fc/Gemm"), "transB", 1);
    b.output("y");
    return b;
}

/// MACs of the chain above, by hand: the two convolutions and the fully connected layer.
constexpr double kChainMacs = 8.0 * 32 * 32 * 3 * 9 + 16.0 * 8 * 8 * 8 * 9 + 16.0 * 10;

double totalMacs(const DnnDescription& dnn)
{
    double macs = 0;
    const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn); // kept: a loop over *analyzeDnn() would dangle
    for (const SubtaskStats& s : *stats)
        macs += s.macs;
    return macs;
}

/// Cumulative MACs and output shape after each sub-task but the last: the split points.
std::vector<std::pair<double, TensorShape>> cuts(const DnnDescription& dnn)
{
    std::vector<std::pair<double, TensorShape>> result;
    double macs = 0;
    const std::vector<SubtaskStats> stats = *analyzeDnn(dnn);
    for (size_t s = 0; s + 1 < stats.size(); ++s) {
        macs += stats[s].macs;
        result.push_back({macs, stats[s].output});
    }
    return result;
}

/// The last sub-task's output shape.
TensorShape finalOutput(const DnnDescription& dnn)
{
    const std::vector<SubtaskStats> stats = *analyzeDnn(dnn);
    return stats.back().output;
}

int countLayers(const DnnDescription& dnn, LayerKind kind)
{
    int count = 0;
    auto add = [&](const std::vector<Layer>& layers) {
        for (const Layer& layer : layers)
            count += layer.kind == kind;
    };
    for (const SubtaskDescription& subtask : dnn.subtasks)
        for (const Block& block : subtask.blocks) {
            add(block.layers);
            add(block.shortcut);
            add(block.afterAdd);
            for (const auto& branch : block.branches)
                add(branch);
        }
    return count;
}

/// A FLOAT initializer of @p dims with no values (enough for shape inference), named @p name.
std::string initializer(ModelBuilder& b, const std::string& name, const std::vector<std::int64_t>& dims)
{
    onnx::TensorProto* tensor = b.model().mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : dims)
        tensor->add_dims(d);
    return name;
}

void expectRefusal(const Expected<OnnxImport>& result, const std::vector<std::string>& fragments, ErrorCode code = ErrorCode::BadInput)
{
    QVERIFY2(!result, "the import should have failed");
    QCOMPARE(result.error().code, code);
    for (const std::string& fragment : fragments)
        QVERIFY2(result.error().message.find(fragment) != std::string::npos,
                 qPrintable(QString::fromStdString("'" + fragment + "' missing from: " + result.error().message)));
}

} // namespace

class TestOnnxImport : public QObject {
    Q_OBJECT

private slots:
    void torchvisionMatchesTheBuiltin_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("residualBlocks");
        QTest::newRow("mobilenetv2") << "mobilenetv2" << 10;
        QTest::newRow("resnet18") << "resnet18" << 8;
        QTest::newRow("vgg16") << "vgg16" << 0;
    }

    /// What an import must reach: total MACs within 2%, every built-in cut among the imported ones
    /// with the same output, the same input and final output; residual blocks stay whole.
    void torchvisionMatchesTheBuiltin()
    {
        QFETCH(QString, name);
        QFETCH(int, residualBlocks);
        const Expected<OnnxImport> imported = importOnnx(kOnnxData + name.toStdString() + ".onnx");
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        const DnnDescription builtin = *builtinDnn(name.toStdString());

        const double macs = totalMacs(dnn), builtinMacs = totalMacs(builtin);
        QVERIFY2(std::fabs(macs - builtinMacs) <= 0.02 * builtinMacs, qPrintable(QString("MACs %1 vs %2").arg(macs).arg(builtinMacs)));
        QCOMPARE(dnn.input, builtin.input);
        QCOMPARE(dnn.inputElementBytes, builtin.inputElementBytes);
        QCOMPARE(finalOutput(dnn), finalOutput(builtin));
        QCOMPARE(dnn.activationBytes, builtin.activationBytes); // so the final output has the same bytes too

        // A built-in cut is found when an imported one lies at the same work done (cumulative
        // MACs, to rounding) with the same output tensor.
        const auto importedCuts = cuts(dnn);
        for (const auto& [at, shape] : cuts(builtin)) {
            const bool found = std::any_of(importedCuts.begin(), importedCuts.end(), [&, at = at, shape = shape](const auto& cut) {
                return std::fabs(cut.first - at) <= 1e-9 * builtinMacs && cut.second == shape;
            });
            QVERIFY2(found, qPrintable(QString("no imported cut after %1 MACs with output %2x%3x%4")
                                           .arg(at).arg(shape.c).arg(shape.h).arg(shape.w)));
        }
        QVERIFY(importedCuts.size() >= cuts(builtin).size());

        int residuals = 0;
        for (const SubtaskDescription& subtask : dnn.subtasks)
            for (const Block& block : subtask.blocks)
                residuals += block.residual;
        QCOMPARE(residuals, residualBlocks);
    }

    void mobilenetClipsBecomeRelu6()
    {
        const Expected<OnnxImport> imported = importOnnx(kOnnxData + "mobilenetv2.onnx");
        QVERIFY(imported);
        QCOMPARE(countLayers(imported->dnn, LayerKind::Relu6), 35); // the 35 Clip(0, 6) nodes of the export
        QCOMPARE(countLayers(imported->dnn, LayerKind::Clip), 0);
        QCOMPARE(imported->dnn.name, std::string("mobilenetv2"));
    }

    /// ResNet-50 is not a built-in: its 16 bottlenecks stay whole, and its MACs are the sum of
    /// its convolutions and fc, computed here from the architecture.
    void resnet50Imports()
    {
        const Expected<OnnxImport> imported = importOnnx(kOnnxData + "resnet50.onnx");
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        int residuals = 0;
        for (const SubtaskDescription& subtask : imported->dnn.subtasks)
            for (const Block& block : subtask.blocks)
                residuals += block.residual;
        QCOMPARE(residuals, 16);
        double macs = 64.0 * 112 * 112 * 3 * 49; // stem
        int in = 64, size = 56;
        const int blocks[] = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; ++stage) {
            const int planes = 64 << stage;
            for (int r = 0; r < blocks[stage]; ++r) {
                const int stride = r == 0 && stage > 0 ? 2 : 1;
                const int out = size / stride;
                macs += 1.0 * planes * size * size * in;                // 1x1 reduce (torchvision: stride on the 3x3)
                macs += 1.0 * planes * out * out * planes * 9;          // 3x3
                macs += 4.0 * planes * out * out * planes;              // 1x1 expand
                if (r == 0)
                    macs += 4.0 * planes * out * out * in;              // projection shortcut
                in = 4 * planes;
                size = out;
            }
        }
        macs += 2048.0 * 1000;
        QCOMPARE(totalMacs(imported->dnn), macs);
    }

    void aChainSplitsAfterEveryLayerGroup()
    {
        const Expected<OnnxImport> imported = chainModel().import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        // Conv+Relu | MaxPool | Conv+Relu | GAP+Flatten | Gemm: the Relus and the Flatten join their producers.
        QCOMPARE(dnn.subtasks.size(), size_t(5));
        const std::vector<SubtaskStats> stats = *analyzeDnn(dnn);
        QCOMPARE(stats[0].output, (TensorShape{8, 32, 32}));
        QCOMPARE(stats[1].output, (TensorShape{8, 16, 16}));
        QCOMPARE(stats[2].output, (TensorShape{16, 8, 8}));
        QCOMPARE(stats[3].output, (TensorShape{16, 1, 1}));
        QCOMPARE(stats[4].output, (TensorShape{10, 1, 1}));
        QCOMPARE(totalMacs(dnn), kChainMacs);
        QCOMPARE(dnn.subtasks[0].blocks[0].layers.size(), size_t(2));
        QCOMPARE(dnn.subtasks[0].blocks[0].layers[1].kind, LayerKind::Relu);
        QCOMPARE(dnn.subtasks[2].blocks[0].layers[0].stride, 2);
        QCOMPARE(dnn.subtasks[2].blocks[0].layers[0].padding, 1);
        QCOMPARE(imported->cuts, 7); // after each of the 8 nodes but the last
        QCOMPARE(dnn.name, std::string("test-graph"));
        // The description survives its own file form.
        QVERIFY(parseDnnDescription(dnnDescriptionToJson(dnn), "round trip"));
    }

    void maxSubtasksMergesTheCheapestNeighbours()
    {
        const DnnDescription all = chainModel().import()->dnn;
        std::vector<double> flops;
        const Expected<std::vector<SubtaskStats>> allStats = analyzeDnn(all);
        for (const SubtaskStats& s : *allStats)
            flops.push_back(s.flops);
        size_t cheapest = 0;
        for (size_t i = 1; i + 1 < flops.size(); ++i)
            if (flops[i] + flops[i + 1] < flops[cheapest] + flops[cheapest + 1])
                cheapest = i;

        OnnxImportOptions options;
        options.maxSubtasks = 4;
        const DnnDescription merged = chainModel().import(options)->dnn;
        QCOMPARE(merged.subtasks.size(), size_t(4));
        const std::vector<SubtaskStats> stats = *analyzeDnn(merged);
        for (size_t i = 0, j = 0; i < stats.size(); ++i, ++j) {
            const double expected = j == cheapest ? flops[j] + flops[j + 1] : flops[j];
            QCOMPARE(stats[i].flops, expected);
            j += j == cheapest;
        }
        options.maxSubtasks = 1;
        const DnnDescription one = chainModel().import(options)->dnn;
        QCOMPARE(one.subtasks.size(), size_t(1));
        QCOMPARE(totalMacs(one), kChainMacs);
        options.maxSubtasks = 50; // more than there are: nothing merged
        QCOMPARE(chainModel().import(options)->dnn.subtasks.size(), size_t(5));
    }

    /// x -> Conv -> Relu -> Conv -> Add(x) -> Relu after a stem: no cut inside the block.
    void aResidualBlockStaysWhole()
    {
        ModelBuilder b({1, 3, 16, 16});
        b.conv("x", "stem", 3, 8, 3, 1, 1);
        b.conv("stem", "a", 8, 8, 3, 1, 1);
        b.node("Relu", {"a"}, "ar", "/block/Relu");
        b.conv("ar", "bconv", 8, 8, 3, 1, 1);
        b.node("Add", {"bconv", "stem"}, "sum", "/block/Add");
        b.node("Relu", {"sum"}, "y", "/block/Relu_1");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        QCOMPARE(dnn.subtasks.size(), size_t(2));
        QCOMPARE(dnn.subtasks[1].blocks.size(), size_t(1));
        const Block& block = dnn.subtasks[1].blocks[0];
        QVERIFY(block.residual);
        QCOMPARE(block.layers.size(), size_t(3)); // the longer branch
        QVERIFY(block.shortcut.empty());          // the identity
        QCOMPARE(block.afterAdd.size(), size_t(1));
        QCOMPARE(block.afterAdd[0].kind, LayerKind::Relu);
        // One tensor is live after the stem and after the Add; the Relu after the Add joins the
        // block, and nothing inside the block is a cut.
        QCOMPARE(imported->cuts, 2);
    }

    /// Two branches from the stem joined by Concat on channels: one concatenation block.
    void twoBranchesJoinedByConcat()
    {
        ModelBuilder b({1, 3, 16, 16});
        b.conv("x", "stem", 3, 8, 3, 1, 1);
        b.conv("stem", "left", 8, 4, 1);
        b.conv("stem", "right", 8, 6, 3, 1, 1);
        b.node("Relu", {"right"}, "rr", "/right/Relu");
        onnx::NodeProto& concat = b.node("Concat", {"left", "rr"}, "cat", "/cat/Concat");
        ModelBuilder::integer(concat, "axis", 1);
        b.node("Sigmoid", {"cat"}, "y", "/cat/Sigmoid");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        QCOMPARE(dnn.subtasks.size(), size_t(2));
        const Block& block = dnn.subtasks[1].blocks[0];
        QVERIFY(block.concatenates());
        QCOMPARE(block.layers.size(), size_t(1));
        QCOMPARE(block.branches.size(), size_t(1));
        QCOMPARE(block.branches[0].size(), size_t(2));
        QCOMPARE(block.afterAdd.size(), size_t(1));
        QCOMPARE(block.afterAdd[0].kind, LayerKind::Sigmoid);
        QCOMPARE(finalOutput(dnn), (TensorShape{10, 16, 16}));
    }

    void nestedBranchesAreRefusedNamingTheNode()
    {
        ModelBuilder b({1, 8, 8, 8});
        b.conv("x", "a", 8, 8, 1);
        b.conv("x", "bb", 8, 8, 1);
        b.node("Add", {"a", "bb"}, "inner", "/inner/Add");
        b.node("Add", {"inner", "x"}, "y", "/outer/Add");
        b.output("y");
        expectRefusal(b.import(), {"test.onnx: ", "/inner/Add", "nested branches"});
    }

    void clipBoundsChooseTheLayer()
    {
        ModelBuilder b({1, 4});
        b.constant("zero", 0);
        b.constant("six", 6);
        b.constant("minus", -1);
        b.constant("one", 1);
        b.node("Clip", {"x", "zero", "six"}, "a");
        b.node("Clip", {"a", "zero"}, "c");
        b.node("Clip", {"c", "minus", "one"}, "y");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const std::vector<Layer>& layers = imported->dnn.subtasks[0].blocks[0].layers;
        QCOMPARE(layers.size(), size_t(3));
        QCOMPARE(layers[0].kind, LayerKind::Relu6);
        QCOMPARE(layers[1].kind, LayerKind::Relu);
        QCOMPARE(layers[2].kind, LayerKind::Clip);
        QCOMPARE(layers[2].clipMin, -1.0);
        QCOMPARE(layers[2].clipMax, 1.0);
    }

    void clipBoundsAtTheFloatLimitsBoundNothing()
    {
        // ONNX writes "no bound" as the float type's limit (3.4e38), beyond what a description
        // may state: read as no bound, so the written description reads back (found by fuzz_onnx).
        ModelBuilder b({1, 4});
        b.constant("zero", 0);
        b.constant("lowest", -FLT_MAX);
        b.constant("highest", FLT_MAX);
        b.constant("one", 1);
        b.node("Clip", {"x", "zero", "highest"}, "a");
        b.node("Clip", {"a", "lowest", "highest"}, "c");
        b.node("Clip", {"c", "lowest", "one"}, "y");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const std::vector<Layer>& layers = imported->dnn.subtasks[0].blocks[0].layers;
        QCOMPARE(layers.size(), size_t(2)); // the middle clip clamps nothing
        QCOMPARE(layers[0].kind, LayerKind::Relu);
        QCOMPARE(layers[1].kind, LayerKind::Clip);
        QCOMPARE(layers[1].clipMax, 1.0);
        const Expected<DnnDescription> again = parseDnnDescription(dnnDescriptionToJson(imported->dnn), "again.json");
        QVERIFY2(again, again ? "" : again.error().message.c_str());
        QCOMPARE(dnnSignature(*again), dnnSignature(imported->dnn));
    }

    /// MatMul + Add(constant) is a linear layer with a bias, as exporters write it without Gemm.
    void aMatMulTakesTheBiasAfterIt()
    {
        ModelBuilder b({1, 16});
        b.node("MatMul", {"x", b.weight("w1", {16, 8})}, "m1");
        b.node("Add", {"m1", b.weight("b1", {8})}, "a1");
        b.node("Relu", {"a1"}, "r1");
        b.node("MatMul", {"r1", b.weight("w2", {8, 4})}, "y");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const DnnDescription& dnn = imported->dnn;
        QCOMPARE(dnn.subtasks.size(), size_t(2));
        const std::vector<Layer>& first = dnn.subtasks[0].blocks[0].layers;
        QCOMPARE(first.size(), size_t(2));
        QCOMPARE(first[0].kind, LayerKind::Linear);
        QVERIFY(first[0].bias);
        QCOMPARE(first[0].outFeatures, 8);
        QVERIFY(!dnn.subtasks[1].blocks[0].layers[0].bias);
        QCOMPARE(totalMacs(dnn), 16.0 * 8 + 8.0 * 4);
    }

    /// protobuf does not check that names are UTF-8; the description's JSON must still be valid
    /// (found by fuzz_onnx: nlohmann-json threw while writing).
    void invalidUtf8NamesAreReplaced()
    {
        ModelBuilder b = chainModel();
        b.model().mutable_graph()->set_name("net\xff\xfe");
        b.model().mutable_graph()->mutable_node(0)->set_name("/bad\xc3(/Conv");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        QCOMPARE(imported->dnn.name, std::string("net??"));
        QCOMPARE(imported->dnn.subtasks[0].name, std::string("bad?(/Conv .. r1/Relu"));
        QVERIFY(parseDnnDescription(dnnDescriptionToJson(imported->dnn), "round trip"));
    }

    void anUnsupportedOperatorIsNamed()
    {
        ModelBuilder b = chainModel();
        // Replace the second Relu (node 5 of the file) by Tanh.
        b.model().mutable_graph()->mutable_node(4)->set_op_type("Tanh");
        const int count = b.model().graph().node_size();
        expectRefusal(b.import(), {"test.onnx: ", "node '/r2/Relu'", "Tanh", "position 5 of " + std::to_string(count), "not supported"});
    }

    void aGateOfTwoActivationsIsNamedAsAnUnsupportedOperator()
    {
        // SiLU as EfficientNet exports it, x * sigmoid(x): Mul is named as the operator Coinfer
        // lacks, not as a weight in the wrong place.
        ModelBuilder b({1, 3, 8, 8});
        b.conv("x", "c1", 3, 4, 3, 1, 1);
        b.node("Sigmoid", {"c1"}, "s1", "/act/Sigmoid");
        b.node("Mul", {"c1", "s1"}, "m1", "/act/Mul");
        b.node("GlobalAveragePool", {"m1"}, "y", "/pool/GlobalAveragePool");
        b.output("y");
        expectRefusal(b.import(), {"node '/act/Mul'", "(Mul, position 3 of", "operator not supported by Coinfer"});
    }

    void zeroStridesAndGroupsAreRefusedBeforeShapeInference()
    {
        // ONNX 1.12's shape inference divides by them unchecked (SIGFPE; found by fuzz_onnx, the
        // reproducer is fuzz/corpus/onnx/crash-stride-zero-fpe-in-libonnx).
        for (const auto& [stride, groups, fragment] : {std::tuple{0, 1, "strides holds 0; it must be at least 1"},
                                                       std::tuple{1, 0, "group is 0; it must be at least 1"}}) {
            ModelBuilder b({1, 4, 8, 8});
            b.conv("x", "c1", 4, 4, 3, stride, 1, groups == 0 ? 1 : groups);
            if (groups == 0)
                for (onnx::AttributeProto& attribute : *b.model().mutable_graph()->mutable_node(0)->mutable_attribute())
                    if (attribute.name() == "group")
                        attribute.set_i(0);
            b.node("GlobalAveragePool", {"c1"}, "y", "/pool/GlobalAveragePool");
            b.output("y");
            expectRefusal(b.import(), {"node '/c1/Conv'", fragment});
        }
    }

    void aKernelShapeIsReadFromTheWeightBeforeShapeInference()
    {
        // ONNX 1.12 takes a convolution's kernel rank from its weight when kernel_shape is absent
        // and indexes the input's dimensions by it unchecked: a 5-D weight on a 4-D input read out
        // of bounds inside libonnx (SEGV; found by fuzz_onnx). The importer gives the node the
        // weight's kernel_shape first, which ONNX checks against the input's rank.
        const auto withoutKernelShape = [](std::vector<std::int64_t> weightDims) {
            ModelBuilder b({1, 4, 8, 8});
            b.node("Conv", {"x", b.weight("w", weightDims)}, "c1", "/c1/Conv");
            b.node("GlobalAveragePool", {"c1"}, "y", "/pool/GlobalAveragePool");
            b.output("y");
            return b.import();
        };
        expectRefusal(withoutKernelShape({4, 4, 3, 3, 3}), {"test.onnx: ", "ONNX shape inference failed", "kernel_shape"});
        expectRefusal(withoutKernelShape({4, 4, 3, 3, 3, 3, 3}), {"test.onnx: ", "ONNX shape inference failed", "kernel_shape"});
        expectRefusal(withoutKernelShape({4, 4}), {"node '/c1/Conv'", "has no kernel_shape", "weight 'w'", "rank 3 or more"});
        const Expected<OnnxImport> square = withoutKernelShape({6, 4, 3, 3});
        QVERIFY2(square, square ? "" : square.error().message.c_str());
        QCOMPARE(totalMacs(square->dnn), 6.0 * 6 * 6 * 4 * 9);

        // A weight whose shape only inference could tell is refused before inference.
        ModelBuilder computed({1, 4, 8, 8});
        computed.node("Relu", {initializer(computed, "w0", {4, 4, 3, 3, 3})}, "w", "/w/Relu");
        computed.node("Conv", {"x", "w"}, "y", "/c1/Conv");
        computed.output("y");
        expectRefusal(computed.import(), {"node '/c1/Conv'", "has no kernel_shape", "weight 'w'"});
    }

    void nodesOffThePathToTheOutputNeverReachShapeInference()
    {
        // A MaxUnpool whose indices are a scalar, off the data path: ONNX 1.12's inference reads
        // the indices' second dimension unchecked. The importer infers only what the output needs.
        ModelBuilder b({1, 4, 8, 8});
        b.conv("x", "y", 4, 4, 3, 1, 1);
        b.output("y");
        onnx::NodeProto& unpool = b.node("MaxUnpool", {initializer(b, "pooled", {1, 4, 4, 4}), initializer(b, "indices", {1})}, "side", "/side/MaxUnpool");
        ModelBuilder::ints(unpool, "kernel_shape", {2, 2});
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        QCOMPARE(finalOutput(imported->dnn), (TensorShape{4, 8, 8}));
    }

    void controlFlowIsRefusedBeforeShapeInference_data()
    {
        QTest::addColumn<QString>("op");
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<bool>("graphs"); // a GRAPHS list instead of one GRAPH
        QTest::newRow("If") << "If" << "then_branch" << false;
        QTest::newRow("Loop") << "Loop" << "body" << false;
        QTest::newRow("Scan") << "Scan" << "body" << false;
        QTest::newRow("a custom operator's GRAPHS") << "Custom" << "bodies" << true;
    }

    void controlFlowIsRefusedBeforeShapeInference()
    {
        // A stride of 0 inside an If branch or a Loop body raised SIGFPE in ONNX's
        // shape inference, which enters subgraphs even of nodes off the data path. The node is
        // refused whole, before inference (hostile files: tests/data/hostile/dnn/stride-zero-in-*).
        QFETCH(QString, op);
        QFETCH(QString, attribute);
        QFETCH(bool, graphs);
        ModelBuilder b({1, 4, 8, 8});
        b.node("Relu", {"x"}, "y", "/relu/Relu");
        b.output("y");
        ModelBuilder inner({1, 4, 8, 8});
        inner.conv("x", "t", 4, 4, 3, 0, 1);
        inner.output("t");
        onnx::NodeProto& flow = b.node(op.toStdString(), {b.weight("cond", {1})}, "side", "/side/" + op.toStdString());
        onnx::AttributeProto* subgraph = flow.add_attribute();
        subgraph->set_name(attribute.toStdString());
        subgraph->set_type(graphs ? onnx::AttributeProto::GRAPHS : onnx::AttributeProto::GRAPH);
        *(graphs ? subgraph->add_graphs() : subgraph->mutable_g()) = inner.model().graph();
        if (graphs)
            flow.set_domain("com.example");
        expectRefusal(b.import(), {"node '/side/" + op.toStdString() + "'", "position 2 of 2",
                                   "is control flow (its attribute '" + attribute.toStdString() + "' holds a subgraph)"});
    }

    void theHostileControlFlowModelsAreRefused()
    {
        for (const char* name : {"if-branch", "nested-if", "loop-body", "scan-body"}) {
            const std::string path = std::string(COINFER_TEST_DATA) + "/hostile/dnn/stride-zero-in-" + name + ".onnx";
            expectRefusal(importOnnx(path), {path + ": node '/", "is control flow"});
        }
    }

    void aDynamicInputShapeNeedsAFixedOne()
    {
        ModelBuilder b({-1, 3, 32, 32});
        b.conv("x", "y", 3, 4, 3);
        b.output("y");
        expectRefusal(b.import(), {"test.onnx: ", "input 'x'", "dynamic", "batchx3x32x32", "--input-shape 1x3x32x32"});
        OnnxImportOptions options;
        options.inputShape = {1, 3, 32, 32};
        const Expected<OnnxImport> fixed = b.import(options);
        QVERIFY2(fixed, fixed ? "" : fixed.error().message.c_str());
        QCOMPARE(finalOutput(fixed->dnn), (TensorShape{4, 30, 30}));
    }

    void inputShapeOverridesTheExportedOne()
    {
        OnnxImportOptions options;
        options.inputShape = *parseOnnxShape("1x3x448x448");
        const Expected<OnnxImport> large = importOnnx(kOnnxData + "resnet18.onnx", options);
        QVERIFY2(large, large ? "" : large.error().message.c_str());
        QCOMPARE(large->dnn.input, (TensorShape{3, 448, 448}));
        QCOMPARE(finalOutput(large->dnn), (TensorShape{1000, 1, 1}));
        // Every side doubles (224 halves evenly down to 7, 448 down to 14): the convolutions do
        // four times the work; the fc layer after global pooling does the same.
        const double full = totalMacs(importOnnx(kOnnxData + "resnet18.onnx")->dnn);
        QCOMPARE(totalMacs(large->dnn), (full - 512.0 * 1000) * 4 + 512.0 * 1000);

        options.inputShape = {1, 3};
        expectRefusal(importOnnx(kOnnxData + "resnet18.onnx", options), {"resnet18.onnx: ", "rank 2", "rank 4"});
        QVERIFY(!parseOnnxShape("1x3x224"));
        QVERIFY(!parseOnnxShape("1x3xax224"));
        QVERIFY(!parseOnnxShape("1x0x2x2"));
        QVERIFY(!parseOnnxShape(""));
    }

    void malformedFilesAreRefusedWithTheReason()
    {
        const std::string model = *readTextFile(kOnnxData + "resnet18.onnx");
        expectRefusal(importOnnxBytes(model.substr(0, model.size() / 2), "half.onnx"), {"half.onnx: ", "truncated"});
        expectRefusal(importOnnxBytes("{\"format\": \"coinfer-dnn\"}", "json.onnx"), {"json.onnx: ", "not an ONNX model"});
        expectRefusal(importOnnxBytes("", "empty.onnx"), {"empty.onnx: ", "not an ONNX model"});
        expectRefusal(importOnnx(kOnnxData + "missing.onnx"), {"missing.onnx"}, ErrorCode::Io);
        // Through loadDnn, as `dnn show` and scenarios reach it.
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/bad.onnx";
        QVERIFY(writeFileAtomically(path, "not a model at all"));
        const Expected<DnnDescription> loaded = loadDnn(path);
        QVERIFY(!loaded);
        QVERIFY(loaded.error().message.find(path + ": not an ONNX model") != std::string::npos);
    }

    void aCycleIsRefused()
    {
        ModelBuilder b({1, 4});
        b.node("Add", {"x", "t2"}, "t1", "/loop/Add");
        b.node("Relu", {"t1"}, "t2", "/loop/Relu");
        b.output("t2");
        expectRefusal(b.import(), {"test.onnx: ", "/loop/", "cycle"});
    }

    void aGraphWithoutOutputIsRefused()
    {
        ModelBuilder b({1, 4});
        b.node("Relu", {"x"}, "y");
        expectRefusal(b.import(), {"test.onnx: ", "no output"});
    }

    void unsupportedOpsetsAreRefused()
    {
        for (int opset : {6, 18}) {
            ModelBuilder b({1, 4}, opset);
            b.node("Relu", {"x"}, "y");
            b.output("y");
            expectRefusal(b.import(), {"test.onnx: ", "opset " + std::to_string(opset), "7 to 17"});
        }
    }

    void twoDataInputsAreRefused()
    {
        ModelBuilder b({1, 4});
        b.weight("z", {1, 4});
        b.node("Relu", {"z"}, "zr");
        b.node("Add", {"x", "zr"}, "y");
        b.output("y");
        expectRefusal(b.import(), {"test.onnx: ", "2 data inputs", "'x'", "'z'"});
    }

    void ceilModeIsRefusedWhenItChangesTheShape()
    {
        ModelBuilder b({1, 4, 8, 8});
        onnx::NodeProto& pool = b.node("MaxPool", {"x"}, "y", "/pool");
        ModelBuilder::ints(pool, "kernel_shape", {3, 3});
        ModelBuilder::ints(pool, "strides", {2, 2});
        ModelBuilder::integer(pool, "ceil_mode", 1);
        b.output("y");
        expectRefusal(b.import(), {"node '/pool'", "ceil_mode", "4x4", "3x3"});
    }

    /// Weights in an external file that does not exist: only shapes are read, so it imports.
    void externalWeightsAreNeverOpened()
    {
        ModelBuilder b({1, 3, 8, 8});
        onnx::TensorProto* weight = b.model().mutable_graph()->add_initializer();
        weight->set_name("w");
        weight->set_data_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : {4, 3, 3, 3})
            weight->add_dims(d);
        weight->set_data_location(onnx::TensorProto::EXTERNAL);
        auto* location = weight->add_external_data();
        location->set_key("location");
        location->set_value("weights-that-are-not-here.bin");
        b.node("Conv", {"x", "w"}, "y", "/conv");
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        QCOMPARE(finalOutput(imported->dnn), (TensorShape{4, 6, 6}));
    }

    /// A scenario that references the .onnx model, and one that references the description
    /// `dnn import` writes, both plan; the GPU profile here is synthetic test data (made for
    /// the imported description's signature), not a measurement.
    void aScenarioWithAnImportedModelPlans()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const Expected<OnnxImport> imported = importOnnx(kOnnxData + "resnet18.onnx");
        QVERIFY(imported);
        QVERIFY(writeFileAtomically(folder + "/resnet18.json", dnnDescriptionToJson(imported->dnn)));
        const GpuProfile profile = testing::syntheticProfile(imported->dnn, {0.5, 0.6, 0.7, 0.8});
        QVERIFY(writeFileAtomically(folder + "/profile.json", gpuProfileToJson(profile)));
        // Local latency and energy grow with each sub-task computed on the device (partition p).
        std::string latency, energy;
        for (size_t p = 1; p <= imported->dnn.subtasks.size(); ++p) {
            latency += (p > 1 ? ", " : "") + std::to_string(8 * p);
            energy += (p > 1 ? ", " : "") + std::to_string(6 * p);
        }
        std::string users;
        for (const char* id : {"u1", "u2", "u3"})
            users += std::string(users.empty() ? "" : ", ") + "{\"id\": \"" + id + "\", \"deadline_ms\": 400, \"local_latency_ms\": ["
                     + latency + "], \"local_energy_mj\": [" + energy + "], \"uplink_rate_mbps\": 20, \"tx_power_w\": 0.25}";
        for (const std::string& description : {kOnnxData + "resnet18.onnx", std::string("resnet18.json")}) {
            const std::string scenarioText = "{\"format\": \"coinfer-scenario\", \"version\": 1, \"name\": \"imported\", \"dnn\": "
                                             "{\"description\": \"" + description + "\", \"gpu_profile\": \"profile.json\"}, "
                                             "\"users\": [" + users + "]}";
            QVERIFY(writeFileAtomically(folder + "/scenario.json", scenarioText));
            const Expected<Scenario> scenario = readScenario(folder + "/scenario.json");
            QVERIFY2(scenario, scenario ? "" : scenario.error().message.c_str());
            QCOMPARE(scenario->dnn.subtaskCount(), static_cast<int>(imported->dnn.subtasks.size()));
            const CostModel model(*scenario);
            const Plan plan = simulate(*scenario, model, planOg(model), "og");
            QVERIFY(plan.feasible);
            QVERIFY(plan.totalEnergyMj < plan.localEnergyMj); // offloading part of the work pays
        }
    }
};

QTEST_APPLESS_MAIN(TestOnnxImport)
#include "test_onnximport.moc"
