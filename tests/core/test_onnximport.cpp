// ONNX import: torchvision's graphs against the built-in DNNs, and small models built here with
// ONNX's protobuf API for each structure the importer accepts. The inputs it refuses, or makes safe
// before ONNX's shape inference, are in test_onnximport_refusals.cpp.
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
#include "onnxmodels.h"

#include <onnx/onnx_pb.h>

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cfloat>
#include <cmath>

using namespace coinfer;
using coinfer::testing::chainModel;
using coinfer::testing::expectRefusal;
using coinfer::testing::finalOutput;
using coinfer::testing::kChainMacs;
using coinfer::testing::kOnnxData;
using coinfer::testing::ModelBuilder;
using coinfer::testing::totalMacs;

namespace {

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
        QVERIFY2(std::fabs(macs - builtinMacs) <= 0.02 * builtinMacs,
                 qPrintable(QString("MACs %1 vs %2").arg(macs).arg(builtinMacs)));
        QCOMPARE(dnn.input, builtin.input);
        QCOMPARE(dnn.inputElementBytes, builtin.inputElementBytes);
        QCOMPARE(finalOutput(dnn), finalOutput(builtin));
        QCOMPARE(dnn.activationBytes, builtin.activationBytes); // so the final output has the same bytes too

        // A built-in cut is found when an imported one lies at the same work done (cumulative
        // MACs, to rounding) with the same output tensor.
        const auto importedCuts = cuts(dnn);
        for (const auto& [at, shape] : cuts(builtin)) {
            const bool found =
                std::any_of(importedCuts.begin(), importedCuts.end(), [&, at = at, shape = shape](const auto& cut) {
                    return std::fabs(cut.first - at) <= 1e-9 * builtinMacs && cut.second == shape;
                });
            QVERIFY2(found, qPrintable(QString("no imported cut after %1 MACs with output %2x%3x%4")
                                           .arg(at)
                                           .arg(shape.c)
                                           .arg(shape.h)
                                           .arg(shape.w)));
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
                macs += 1.0 * planes * size * size * in;       // 1x1 reduce (torchvision: stride on the 3x3)
                macs += 1.0 * planes * out * out * planes * 9; // 3x3
                macs += 4.0 * planes * out * out * planes;     // 1x1 expand
                if (r == 0)
                    macs += 4.0 * planes * out * out * in; // projection shortcut
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
            users += std::string(users.empty() ? "" : ", ") + "{\"id\": \"" + id +
                     "\", \"deadline_ms\": 400, \"local_latency_ms\": [" + latency + "], \"local_energy_mj\": [" + energy +
                     "], \"uplink_rate_mbps\": 20, \"tx_power_w\": 0.25}";
        for (const std::string& description : {kOnnxData + "resnet18.onnx", std::string("resnet18.json")}) {
            const std::string scenarioText =
                "{\"format\": \"coinfer-scenario\", \"version\": 1, \"name\": \"imported\", \"dnn\": "
                "{\"description\": \"" +
                description +
                "\", \"gpu_profile\": \"profile.json\"}, "
                "\"users\": [" +
                users + "]}";
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
