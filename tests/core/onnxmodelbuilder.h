#pragma once
// A small ONNX model put together node by node with ONNX's protobuf API, for the importer's tests
// (test_onnximport.cpp, test_onnximport_refusals.cpp).

#include "core/io/onnximport.h"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace coinfer::testing {

/// A small ONNX model put together node by node; weights are graph inputs with shapes and no
/// values, as torch.onnx.export(..., export_params=False) writes them.
class ModelBuilder {
public:
    explicit ModelBuilder(std::vector<std::int64_t> inputDims, int opset = 13)
    {
        m_model.set_ir_version(8);
        auto* entry = m_model.add_opset_import();
        entry->set_domain("");
        entry->set_version(opset);
        m_model.mutable_graph()->set_name("test-graph");
        addValue(m_model.mutable_graph()->add_input(), "x", inputDims);
    }

    onnx::NodeProto& node(const std::string& op, std::vector<std::string> inputs, const std::string& output,
                          const std::string& name = "")
    {
        onnx::NodeProto* node = m_model.mutable_graph()->add_node();
        node->set_op_type(op);
        node->set_name(name.empty() ? "/" + op + "_" + std::to_string(m_model.graph().node_size()) : name);
        for (const std::string& input : inputs)
            node->add_input(input);
        node->add_output(output);
        return *node;
    }

    /// A weight: a graph input with a shape and no value.
    std::string weight(const std::string& name, std::vector<std::int64_t> dims)
    {
        addValue(m_model.mutable_graph()->add_input(), name, dims);
        return name;
    }

    /// Conv from @p in to @p out with @p outChannels x @p inChannels / groups x k x k weights.
    void conv(const std::string& in, const std::string& out, int inChannels, int outChannels, int kernel, int stride = 1,
              int pad = 0, int groups = 1)
    {
        const std::string w = weight(out + ".w", {outChannels, inChannels / groups, kernel, kernel});
        onnx::NodeProto& n = node("Conv", {in, w}, out, "/" + out + "/Conv");
        ints(n, "kernel_shape", {kernel, kernel});
        ints(n, "strides", {stride, stride});
        ints(n, "pads", {pad, pad, pad, pad});
        integer(n, "group", groups);
    }

    static void ints(onnx::NodeProto& node, const std::string& name, std::vector<std::int64_t> values)
    {
        auto* attribute = node.add_attribute();
        attribute->set_name(name);
        attribute->set_type(onnx::AttributeProto::INTS);
        for (std::int64_t v : values)
            attribute->add_ints(v);
    }

    static void integer(onnx::NodeProto& node, const std::string& name, std::int64_t value)
    {
        auto* attribute = node.add_attribute();
        attribute->set_name(name);
        attribute->set_type(onnx::AttributeProto::INT);
        attribute->set_i(value);
    }

    /// A float scalar Constant node writing @p name.
    void constant(const std::string& name, float value)
    {
        onnx::NodeProto& n = node("Constant", {}, name);
        auto* attribute = n.add_attribute();
        attribute->set_name("value");
        attribute->set_type(onnx::AttributeProto::TENSOR);
        attribute->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
        attribute->mutable_t()->add_float_data(value);
    }

    void output(const std::string& name) { addValue(m_model.mutable_graph()->add_output(), name, {}); }

    onnx::ModelProto& model() { return m_model; }
    std::string bytes() const { return m_model.SerializeAsString(); }

    Expected<OnnxImport> import(const OnnxImportOptions& options = {}) const
    {
        return importOnnxBytes(bytes(), "test.onnx", options);
    }

private:
    static void addValue(onnx::ValueInfoProto* value, const std::string& name, const std::vector<std::int64_t>& dims)
    {
        value->set_name(name);
        auto* tensor = value->mutable_type()->mutable_tensor_type();
        tensor->set_elem_type(onnx::TensorProto::FLOAT);
        if (dims.empty())
            return;
        auto* shape = tensor->mutable_shape();
        for (std::int64_t d : dims) {
            auto* dim = shape->add_dim();
            if (d > 0)
                dim->set_dim_value(d);
            else
                dim->set_dim_param("batch");
        }
    }

    onnx::ModelProto m_model;
};

} // namespace coinfer::testing
