#pragma once
// A scenario as its file wrote it, kept beside the expanded Scenario that planners use, so that
// saving writes the user's own form: populations, device and channel models, affine edge models,
// DNN references, descriptions and fields Coinfer does not know all stay as written.

#include "core/io/scenarioio.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <memory>
#include <string>
#include <vector>

namespace coinfer {

/// One edit of a ScenarioForm, made by its edit functions: apply() makes it, revert() undoes it
/// exactly. Holds only the JSON values it changes, so an undo stack of them stays small.
class FormChange {
public:
    FormChange();
    ~FormChange();
    FormChange(const FormChange&);
    FormChange& operator=(const FormChange&);
    /// Moves are cheap: a bulk edit's change holds every edited user's JSON (copying one of
    /// 5,000 users took 40 ms on the GUI thread).
    FormChange(FormChange&&) noexcept;
    FormChange& operator=(FormChange&&) noexcept;

    /// Appends @p later, a change made after this one, so that one undo step reverts both.
    void append(const FormChange& later);

    /// What the change did to the file's form beyond the edit itself, for the user (e.g. "user
    /// phone-17 is now written out in \"users\"; the population generates the others"), or empty.
    const std::string& note() const { return m_note; }
    /// Where the edited user is in the expanded scenario afterwards (inserts land after the
    /// explicit users, before the generated ones); -1 when the change is not about one user.
    int row() const { return m_row; }

    /// One step of the change; defined in scenarioform.cpp and opaque everywhere else.
    struct Op;

private:
    friend class ScenarioForm;
    std::vector<Op> m_ops;
    std::string m_note;
    int m_row = -1;
};

/// The scenario file as written, and the app's edits applied to that form.
///
/// Invariant (tested for every example and good test file, and checked again on save): parsing
/// text() gives the expanded scenario that the same edits give when made to the Scenario.
/// The edit functions never fail: what the file's form cannot say is written in the table form,
/// and FormChange::note() says so. Each is O(M) in the users of the file plus the size of what
/// it changes (writing a population out is O(M*N)).
class ScenarioForm {
public:
    /// A form with no file: text() is the table form of the scenario given to tableForm().
    ScenarioForm();
    ~ScenarioForm();
    ScenarioForm(const ScenarioForm&);
    ScenarioForm& operator=(const ScenarioForm&);
    ScenarioForm(ScenarioForm&&) noexcept;
    ScenarioForm& operator=(ScenarioForm&&) noexcept;

    /// Reads @p text as parseScenario() does (same messages, limits and warnings; relative file
    /// names resolved against @p sourceName's directory) and keeps it; @p scenario receives the
    /// expanded instance. O(size + M*N).
    static Expected<ScenarioForm> parse(std::string text, const std::string& sourceName, Scenario& scenario,
                                        const ScenarioLimits& limits = {}, std::vector<std::string>* warnings = nullptr);
    /// Reads the file at @p path (readTextFile's limits apply).
    static Expected<ScenarioForm> read(const std::string& path, Scenario& scenario, const ScenarioLimits& limits = {},
                                       std::vector<std::string>* warnings = nullptr);
    /// The table form of @p scenario, for a scenario that has no file of its own. O(M*N).
    static ScenarioForm tableForm(const Scenario& scenario);

    /// Whether the form is what was read: then text() gives back the very bytes.
    bool isUnchanged() const;
    /// The file's text: the bytes read while unchanged, else the edited document, indented as the
    /// file was. Relative file names (dnn.description, dnn.gpu_profile) are rewritten when
    /// @p saveDir differs from the directory the file was read from; empty keeps them. O(size).
    std::string text(const std::string& saveDir = {}) const;

    /// The change that gives expanded user @p row of @p current the values of @p user. An
    /// explicit entry is edited in its own form where that form can say the new values (a
    /// distance-based rate becomes a stated rate only when the edited power would change it); a
    /// generated user becomes an entry of "users" with its id, which replaces it. Renaming a
    /// generated user writes the whole population out, and says so.
    FormChange editUser(const Scenario& current, int row, const User& user) const;
    /// The change that adds @p user as an explicit entry at expanded row @p row, or after the
    /// explicit users when @p row is among the generated ones (FormChange::row says where).
    FormChange insertUser(const Scenario& current, int row, const User& user) const;
    /// The change that removes expanded user @p row. Removing a generated user writes the
    /// population out as explicit users first, and says so.
    FormChange removeUser(const Scenario& current, int row) const;
    /// The change from @p current to @p after for the app's whole-scenario edits: another DNN,
    /// another edge curve, local tables that follow. Sub-tasks whose curve changed get a stated
    /// curve; a DNN of other sub-tasks is written as tables. Anything else changed writes the
    /// table form of @p after, and says so.
    FormChange replaceScenario(const Scenario& current, const Scenario& after) const;

    void apply(const FormChange& change);
    void revert(const FormChange& change);

private:
    struct State;
    struct Editor;
    std::unique_ptr<State> m_state;
};

} // namespace coinfer
