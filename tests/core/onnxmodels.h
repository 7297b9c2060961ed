#pragma once
// What both ONNX import tests share: the small chain model, the sums they check an imported
// description by, and the check that an import was refused for the stated reason.

#include "core/dnn/dnn.h"
#include "core/io/onnximport.h"

#include "onnxmodelbuilder.h"

#include <onnx/onnx_pb.h>

#include <QTest>

#include <cstdint>
#include <string>
#include <vector>

namespace coinfer::testing {

/// The folder of the torchvision exports the tests import.
inline const std::string kOnnxData = COINFER_TEST_DATA "/onnx/";

/// A chain: Conv 3->8 k3 p1, Relu, MaxPool 2/2, Conv 8->16 k3 s2 p1, Relu, GAP, Flatten, Gemm 16->10.
inline ModelBuilder chainModel()
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
    ModelBuilder::integer(b.node("Gemm", {"f", b.weight("fc.w", {10, 16}), b.weight("fc.b", {10})}, "y", "/fc/Gemm"), "transB",
                          1);
    b.output("y");
    return b;
}

/// MACs of the chain above, by hand: the two convolutions and the fully connected layer.
inline constexpr double kChainMacs = 8.0 * 32 * 32 * 3 * 9 + 16.0 * 8 * 8 * 8 * 9 + 16.0 * 10;

/// The MACs of all of @p dnn's sub-tasks together.
inline double totalMacs(const DnnDescription& dnn)
{
    double macs = 0;
    const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn); // kept: a loop over *analyzeDnn() would dangle
    for (const SubtaskStats& s : *stats)
        macs += s.macs;
    return macs;
}

/// The last sub-task's output shape.
inline TensorShape finalOutput(const DnnDescription& dnn)
{
    const std::vector<SubtaskStats> stats = *analyzeDnn(dnn);
    return stats.back().output;
}

/// A FLOAT initializer of @p dims with no values (enough for shape inference), named @p name.
inline std::string initializer(ModelBuilder& b, const std::string& name, const std::vector<std::int64_t>& dims)
{
    onnx::TensorProto* tensor = b.model().mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : dims)
        tensor->add_dims(d);
    return name;
}

/// A 1-D INT64 initializer holding @p values (a Pad's pads, a Reshape's shape), named @p name.
inline std::string int64Initializer(ModelBuilder& b, const std::string& name, const std::vector<std::int64_t>& values)
{
    onnx::TensorProto* tensor = b.model().mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    tensor->add_dims(static_cast<std::int64_t>(values.size()));
    for (std::int64_t value : values)
        tensor->add_int64_data(value);
    return name;
}

/// Fails the calling test unless @p result is an error of @p code whose message holds every one
/// of @p fragments.
inline void expectRefusal(const Expected<OnnxImport>& result, const std::vector<std::string>& fragments,
                          ErrorCode code = ErrorCode::BadInput)
{
    QVERIFY2(!result, "the import should have failed");
    QCOMPARE(result.error().code, code);
    for (const std::string& fragment : fragments)
        QVERIFY2(result.error().message.find(fragment) != std::string::npos,
                 qPrintable(QString::fromStdString("'" + fragment + "' missing from: " + result.error().message)));
}

} // namespace coinfer::testing
