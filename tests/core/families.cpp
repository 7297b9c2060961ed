#include "families.h"

namespace coinfer::families {
namespace {

RandomScenarioSpec base(int index)
{
    RandomScenarioSpec spec;
    spec.users = 3 + index % 6;
    spec.subtasks = 1 + (index / 6) % 5;
    spec.maxBatch = 8;
    const double tightness[] = {0.9, 1.1, 1.3, 1.6};
    spec.tightness = tightness[(index / 20) % 4];
    spec.localAlwaysFeasible = index % 3 != 0;
    // A GPU from as fast as the generator's default to a dozen times slower, so that users
    // compete for it and the cheapest option each user could take alone is often not enough.
    const double edgeScale[] = {1.0, 4.0, 12.0};
    spec.edgeScale = edgeScale[(index / 3) % 3];
    return spec;
}

RandomScenarioSpec shaped(int index, EdgeShape shape)
{
    RandomScenarioSpec spec = base(index);
    spec.edgeShape = shape;
    spec.maxBatch = 1 + index % 4 + (index / 7) % 3; // often below M
    return spec;
}

} // namespace

const std::vector<Family>& all()
{
    static const std::vector<Family> families = {
        {"equal deadlines, constant", [](int i) { auto s = base(i); s.equalDeadlines = true; return s; }},
        {"different deadlines, constant", [](int i) { return base(i); }},
        {"affine", [](int i) { return shaped(i, EdgeShape::Affine); }},
        {"square root", [](int i) { return shaped(i, EdgeShape::Sqrt); }},
        {"quadratic", [](int i) { return shaped(i, EdgeShape::Quadratic); }},
        {"step", [](int i) { return shaped(i, EdgeShape::Step); }},
        {"knee", [](int i) { return shaped(i, EdgeShape::Knee); }},
        {"noisy, not monotone", [](int i) { return shaped(i, EdgeShape::Noisy); }},
        {"B_max below M, constant", [](int i) { auto s = base(i); s.maxBatch = 1 + i % 2; return s; }},
        {"deadline ties", [](int i) { auto s = shaped(i, EdgeShape::Affine); s.deadlineTies = true; s.deadlineSpread = 0.6; return s; }},
        {"tight deadlines", [](int i) { auto s = shaped(i, EdgeShape::Affine); s.tightness = 0.7 + 0.1 * (i % 3); return s; }},
        {"slow GPU", [](int i) {
             auto s = shaped(i, i % 2 ? EdgeShape::Affine : EdgeShape::Constant);
             s.edgeScale = 10.0 * (1 + i % 10); // 10 to 100 times
             s.deadlineSpread = 0.3;
             s.tightness = 1.0 + 0.5 * (i % 3);
             return s;
         }},
    };
    return families;
}

std::uint64_t seedOf(size_t familyIndex, int index)
{
    return 7'000'000 + familyIndex * 100'000 + static_cast<std::uint64_t>(index);
}

} // namespace coinfer::families
