// ONNX import of bad and hostile input: small models built with ONNX's protobuf API, malformed
// bytes and the hostile files under tests/data/hostile/dnn. Each is refused with a message that
// names the node and the reason, or is made safe before ONNX's shape inference sees it.
#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/onnximport.h"

#include "onnxmodelbuilder.h"
#include "onnxmodels.h"
#include "tests/common/sanitized.h"

#include <onnx/onnx_pb.h>

#include <QTemporaryDir>
#include <QTest>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

using namespace coinfer;
using coinfer::testing::chainModel;
using coinfer::testing::expectRefusal;
using coinfer::testing::finalOutput;
using coinfer::testing::initializer;
using coinfer::testing::int64Initializer;
using coinfer::testing::kOnnxData;
using coinfer::testing::kSanitized;
using coinfer::testing::ModelBuilder;
using coinfer::testing::totalMacs;

class TestOnnxImportRefusals : public QObject {
    Q_OBJECT

private slots:
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

    void anUnsupportedOperatorIsNamed()
    {
        ModelBuilder b = chainModel();
        // Replace the second Relu (node 5 of the file) by Tanh.
        b.model().mutable_graph()->mutable_node(4)->set_op_type("Tanh");
        const int count = b.model().graph().node_size();
        expectRefusal(b.import(),
                      {"test.onnx: ", "node '/r2/Relu'", "Tanh", "position 5 of " + std::to_string(count), "not supported"});
    }

    void aProductOfTwoActivationsThatIsNoKnownPatternIsNamed()
    {
        // SiLU, hardswish and squeeze-and-excitation are layers; any other product of two
        // activations (here a gate by a sigmoid of another branch) is refused at the Mul.
        ModelBuilder b({1, 3, 8, 8});
        b.conv("x", "c1", 3, 4, 3, 1, 1);
        b.conv("x", "c2", 3, 4, 3, 1, 1);
        b.node("Sigmoid", {"c2"}, "s2", "/act/Sigmoid");
        b.node("Mul", {"c1", "s2"}, "m1", "/act/Mul");
        b.node("GlobalAveragePool", {"m1"}, "y", "/pool/GlobalAveragePool");
        b.output("y");
        expectRefusal(b.import(), {"node '/act/Mul'", "(Mul, position", "multiplies two activations", "not supported"});
    }

    void aPadThatFoldsIntoNothingIsRefused()
    {
        // Zeros before a MaxPool would take part in the maximum: not the same as its own padding.
        ModelBuilder b({1, 4, 8, 8});
        b.node("Pad", {"x", int64Initializer(b, "pads", {0, 0, 1, 1, 0, 0, 1, 1})}, "p", "/pad/Pad");
        onnx::NodeProto& pool = b.node("MaxPool", {"p"}, "y", "/pool");
        ModelBuilder::ints(pool, "kernel_shape", {3, 3});
        b.output("y");
        expectRefusal(b.import(), {"node '/pad/Pad'", "only such a Pad is supported"});
    }

    void aPadOfNothingIsNoLayer()
    {
        // Pads of zeros (Swin's padding to whole windows at a size they tile) change nothing.
        ModelBuilder b({1, 4, 8, 8});
        b.node("Pad", {"x", int64Initializer(b, "pads", {0, 0, 0, 0, 0, 0, 0, 0})}, "p", "/pad/Pad");
        onnx::NodeProto& pool = b.node("MaxPool", {"p"}, "y", "/pool");
        ModelBuilder::ints(pool, "kernel_shape", {2, 2});
        ModelBuilder::ints(pool, "strides", {2, 2});
        b.output("y");
        const Expected<OnnxImport> imported = b.import();
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        QCOMPARE(imported->dnn.subtasks.size(), size_t{1});
        QCOMPARE(imported->dnn.subtasks[0].blocks[0].layers.size(), size_t{1});
        QCOMPARE(imported->dnn.subtasks[0].blocks[0].layers[0].kind, LayerKind::MaxPool);
    }

    void aProductOfTwoActivationsOutsideTheAttentionsIsNamed()
    {
        // q k^T outside nn.MultiheadAttention's and Swin's window attention's patterns.
        ModelBuilder b({1, 4, 8, 8});
        b.node("MatMul", {"x", "x"}, "y", "/scores/MatMul");
        b.output("y");
        expectRefusal(b.import(), {"node '/scores/MatMul'", "multiplies two activations outside the attentions",
                                   "shifted-window attention", "not supported"});
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
        onnx::NodeProto& unpool = b.node("MaxUnpool", {initializer(b, "pooled", {1, 4, 4, 4}), initializer(b, "indices", {1})},
                                         "side", "/side/MaxUnpool");
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
        QTest::newRow("If") << "If"
                            << "then_branch" << false;
        QTest::newRow("Loop") << "Loop"
                              << "body" << false;
        QTest::newRow("Scan") << "Scan"
                              << "body" << false;
        QTest::newRow("a custom operator's GRAPHS") << "Custom"
                                                    << "bodies" << true;
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
        // Dropout changed at opset 7 (is_test went away): at opset 6 it is refused, where Relu,
        // the same from opset 6 to 7, imports (sameOperatorsAsOldestOpset).
        for (const auto& [opset, op] : {std::pair{6, "Dropout"}, std::pair{18, "Relu"}}) {
            ModelBuilder b({1, 4}, opset);
            b.node(op, {"x"}, "y");
            b.output("y");
            expectRefusal(b.import(), {"test.onnx: ", "opset " + std::to_string(opset), "7 to 17"});
        }
        ModelBuilder relu({1, 4}, 6);
        relu.node("Relu", {"x"}, "y");
        relu.output("y");
        QVERIFY(relu.import());
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

    /// A graph of more nodes than the limit is refused naming graph.node, from a file before any
    /// node is parsed and from bytes before shape inference; one node fewer imports.
    void aGraphOfTooManyNodesIsRefused()
    {
        ModelBuilder b({1, 4});
        std::string last = "x";
        for (int n = 0; n < kMaxOnnxGraphNodes; ++n) {
            const std::string next = "t" + std::to_string(n);
            b.node("Relu", {last}, next, "/r" + std::to_string(n));
            last = next;
        }
        b.output(last);
        QTemporaryDir dir;
        const std::string atLimit = dir.path().toStdString() + "/at-limit.onnx";
        QVERIFY(writeFileAtomically(atLimit, b.model().SerializeAsString()));
        b.node("Relu", {last}, "y", "/one-more");
        b.model().mutable_graph()->mutable_output(0)->set_name("y");
        const std::string beyond = dir.path().toStdString() + "/beyond.onnx";
        QVERIFY(writeFileAtomically(beyond, b.model().SerializeAsString()));
        const std::vector<std::string> reason{"graph.node: has " + std::to_string(kMaxOnnxGraphNodes + 1) + " nodes",
                                              "at most " + std::to_string(kMaxOnnxGraphNodes)};
        std::vector<std::string> fromFile{beyond + ": "};
        fromFile.insert(fromFile.end(), reason.begin(), reason.end());
        expectRefusal(importOnnx(beyond), fromFile);
        std::vector<std::string> fromBytes{"beyond-bytes.onnx: "};
        fromBytes.insert(fromBytes.end(), reason.begin(), reason.end());
        expectRefusal(importOnnxBytes(b.model().SerializeAsString(), "beyond-bytes.onnx"), fromBytes);
        if (!kSanitized) { // a parse of 100,000 nodes and their shape inference: minutes under the sanitizers
            const Expected<OnnxImport> imported = importOnnx(atLimit);
            QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        }
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
};

QTEST_APPLESS_MAIN(TestOnnxImportRefusals)
#include "test_onnximport_refusals.moc"
