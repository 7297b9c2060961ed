// The ONNX importer's regions (core/io/onnxgraph.h): rewrites that let a region with nested
// branches be described by Coinfer's blocks without changing what it computes.
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

/// Concatenation is associative: Concat(x0..xk) equals Concat(Concat(x0..x[k-1]), xk) along the
/// same axis. Where a Concat's leading inputs are exactly another Concat's inputs (in order, the
/// same axis), it reads that Concat's output instead, the longest such prefix first. A DenseNet
/// dense block, where layer k reads the concatenation of all earlier outputs, becomes a chain of
/// concatenation blocks (y[k] = Concat(y[k-1], f(y[k-1]))) with one tensor live between dense
/// layers, and the same values, MACs and bytes. O(sum over Concats of inputs x log) with a map
/// keyed by input lists.
void GraphImport::chainConcatPrefixes()
{
    std::map<std::pair<std::int64_t, std::vector<std::string>>, std::string> concatOf; // (axis, inputs) -> output
    bool changed = false;
    for (int n = 0; n < m_graph.node_size(); ++n) {
        onnx::NodeProto& node = *m_graph.mutable_node(n);
        if (node.op_type() != "Concat" || !(node.domain().empty() || node.domain() == "ai.onnx") || node.output_size() != 1)
            continue;
        const std::int64_t axis = intAttribute(node, "axis", 1);
        const std::vector<std::string> inputs(node.input().begin(), node.input().end());
        // The graph is sorted, so every earlier Concat is already in concatOf.
        for (size_t length = inputs.size() - (inputs.empty() ? 0 : 1); length >= 1; --length) {
            const auto prefix = concatOf.find(
                {axis, std::vector<std::string>(inputs.begin(), inputs.begin() + static_cast<std::ptrdiff_t>(length))});
            if (prefix == concatOf.end())
                continue;
            node.clear_input();
            node.add_input(prefix->second);
            for (size_t i = length; i < inputs.size(); ++i)
                node.add_input(inputs[i]);
            changed = true;
            break;
        }
        concatOf.emplace(std::make_pair(axis, inputs), node.output(0));
    }
    if (changed)
        indexTensors();
}

/// The path of each of the join's @p joinSlots from the piece's input (the tensor before
/// m_order[begin]) through single-input nodes of the piece [begin, end - 1), in order from the
/// input; nullopt where a path leaves the piece or meets a node joining several activations (the
/// caller's plain check refuses those with its own message). O(nodes of the piece x slots).
std::optional<std::vector<std::vector<int>>> GraphImport::slotPaths(int begin, int end, const std::vector<int>& joinSlots) const
{
    const onnx::NodeProto& join = m_graph.node(m_order[static_cast<size_t>(end - 1)]);
    const std::string& pieceInput = begin == 0 ? m_input : m_graph.node(m_order[static_cast<size_t>(begin - 1)]).output(0);
    std::vector<std::vector<int>> paths;
    for (int slot : joinSlots) {
        std::vector<int> path;
        for (std::string tensor = join.input(slot); tensor != pieceInput;) {
            const auto producer = m_producer.find(tensor);
            const auto position =
                producer == m_producer.end() ? m_positionInOrder.end() : m_positionInOrder.find(producer->second);
            if (position == m_positionInOrder.end() || position->second < begin || position->second >= end - 1)
                return std::nullopt;
            const std::vector<int> inputs = activationInputs(producer->second);
            if (inputs.size() != 1)
                return std::nullopt;
            path.push_back(producer->second);
            tensor = m_graph.node(producer->second).input(inputs.front());
        }
        std::reverse(path.begin(), path.end());
        paths.push_back(std::move(path));
    }
    return paths;
}

/// Each path of @p paths cut into segments that end where fewer paths go on (after each fork);
/// @p depth becomes the most segments of a path less one. O(total path length).
std::vector<std::vector<std::vector<int>>> GraphImport::forkSegments(const std::vector<std::vector<int>>& paths, size_t& depth)
{
    std::unordered_map<int, int> uses; // node -> paths through it
    for (const std::vector<int>& path : paths)
        for (int n : path)
            ++uses[n];
    std::vector<std::vector<std::vector<int>>> segmentsOf;
    depth = 0;
    for (const std::vector<int>& path : paths) {
        std::vector<std::vector<int>> segments(1);
        for (size_t i = 0; i < path.size(); ++i) {
            if (i > 0 && uses[path[i]] != uses[path[i - 1]])
                segments.emplace_back();
            segments.back().push_back(path[i]);
        }
        depth = std::max(depth, segments.size() - 1);
        segmentsOf.push_back(std::move(segments));
    }
    return segmentsOf;
}

/// The concatenation block of one stage: each part reads the piece's input (from -2) or its
/// channels of the stage before (@p previousRange), then runs its nodes.
Block GraphImport::stageBlock(const std::vector<StagePart>& parts,
                              const std::unordered_map<int, std::pair<int, int>>& previousRange) const
{
    Block block;
    for (const StagePart& part : parts) {
        std::vector<Layer> layers;
        if (part.from != -2) {
            const auto [first, last] = previousRange.at(part.from);
            layers.push_back(sliceLayer(0, first, last));
        }
        for (int n : part.nodes)
            if (std::optional<Layer> layer = mapNode(n, layers))
                layers.push_back(*layer);
        if (&part == &parts.front())
            block.layers = std::move(layers);
        else
            block.branches.push_back(std::move(layers));
    }
    return block;
}

/// A piece whose branches fork again before its Concat joins them (Inception-v3's Mixed_7, where
/// one 1x1 convolution feeds a 1x3 and a 3x1 one): the branches form a tree from the piece's
/// input. Each stage of blocks computes one level of the tree and concatenates its results; the
/// next stage reads each result back as a channel slice (a copy without FLOPs, as a
/// concatenation's). The last stage gives the Concat's parts in its order, so the sub-task
/// computes the same values with the same MACs. Returns false, adding nothing, when no branch
/// forks. O(nodes of the piece x depth of the tree).
bool GraphImport::addForkedConcat(int begin, int end, const std::vector<int>& joinSlots, std::vector<Block>& blocks) const
{
    const auto paths = slotPaths(begin, end, joinSlots);
    if (!paths)
        return false;
    std::unordered_set<int> onPaths;
    size_t visits = 0;
    for (const std::vector<int>& path : *paths) {
        onPaths.insert(path.begin(), path.end());
        visits += path.size();
    }
    if (visits == onPaths.size() || static_cast<int>(onPaths.size()) != end - 1 - begin)
        return false; // a plain concatenation, or nodes on no path (refused by the plain check)
    size_t depth = 0;
    const std::vector<std::vector<std::vector<int>>> segmentsOf = forkSegments(*paths, depth);
    const int join = m_order[static_cast<size_t>(end - 1)];
    const std::string& pieceInput = begin == 0 ? m_input : m_graph.node(m_order[static_cast<size_t>(begin - 1)]).output(0);
    const auto keyOf = [](const std::vector<int>& segment) { return segment.empty() ? -1 : segment.back(); };
    std::unordered_map<int, std::pair<int, int>> previousRange; // key -> its channels in the stage before
    for (size_t stage = 0; stage <= depth; ++stage) {
        std::vector<StagePart> parts;
        std::unordered_set<int> seen;
        for (const std::vector<std::vector<int>>& segments : segmentsOf) {
            const StagePart part =
                stage < segments.size()
                    ? StagePart{keyOf(segments[stage]), stage == 0 ? -2 : keyOf(segments[stage - 1]), segments[stage]}
                    : StagePart{keyOf(segments.back()), keyOf(segments.back()), {}}; // finished: carried on
            if (seen.insert(part.key).second)
                parts.push_back(part);
            else if (stage == depth)
                failNode(join,
                         "concatenates one tensor twice after nested branches; this structure does not fit Coinfer's blocks");
        }
        blocks.push_back(stageBlock(parts, previousRange));
        previousRange.clear();
        int channel = 0;
        for (const StagePart& part : parts) {
            const int channels =
                part.key < 0 ? sampleShape(pieceInput, -1).c : sampleShape(m_graph.node(part.key).output(0), part.key).c;
            previousRange[part.key] = {channel, channel + channels};
            channel += channels;
        }
    }
    return true;
}

} // namespace coinfer::onnxdetail
