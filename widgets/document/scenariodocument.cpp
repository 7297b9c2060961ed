#include "widgets/document/scenariodocument.h"

#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/io/scenariorefs.h"

#include <QUndoStack>

#include <cstddef>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

namespace coinfer {

ScenarioDocument::ScenarioDocument(QObject* parent) : QObject(parent), m_undoStack(new QUndoStack(this))
{
    connect(this, &ScenarioDocument::edited, this, [this] { ++m_revision; });
}

ScenarioDocument::~ScenarioDocument()
{
    // The undo stack would otherwise be deleted as a child, after this document's members, and
    // its clear() emits cleanChanged: a listener asking for path() then read a destroyed string.
    m_undoStack->blockSignals(true);
    delete m_undoStack;
}

Expected<ScenarioDocument::Loaded> ScenarioDocument::read(const QString& path)
{
    Loaded loaded;
    std::vector<std::string> warnings;
    return ScenarioForm::read(path.toStdString(), loaded.scenario, {}, &warnings).transform([&](ScenarioForm&& form) {
        loaded.form = std::move(form);
        loaded.path = path;
        for (const std::string& warning : warnings)
            loaded.warnings << QString::fromStdString(warning);
        return std::move(loaded);
    });
}

void ScenarioDocument::adopt(Loaded loaded)
{
    reset(std::move(loaded.scenario), std::move(loaded.form), loaded.path);
    m_loadWarnings = std::move(loaded.warnings);
}

Expected<void> ScenarioDocument::load(const QString& path)
{
    return read(path).transform([this](Loaded&& loaded) { adopt(std::move(loaded)); });
}

void ScenarioDocument::reset(const Scenario& scenario, const QString& path)
{
    reset(scenario, ScenarioForm::tableForm(scenario), path);
}

void ScenarioDocument::reset(Scenario scenario, ScenarioForm form, const QString& path)
{
    m_scenario = std::move(scenario);
    m_form = std::move(form);
    m_loadWarnings.clear();
    m_path = path;
    m_undoStack->clear();
    emit replaced();
    emit scenarioReset();
    emit edited();
}

Expected<void> ScenarioDocument::save(const QString& path)
{
    const std::string file = path.toStdString();
    if (m_scenario.users.empty()) // SPEC: "users" must not be empty, so Open would refuse the file
        return Unexpected(Error{
            ErrorCode::Io, file + ": not written: a scenario needs at least one user. Add one (Edit > Add user) before saving."});
    std::string directory = std::filesystem::path(file).parent_path().string();
    const std::string text = m_form.text(directory.empty() ? "." : directory);
    // The reader is the judge of what the text says: a form that would not read back as the
    // scenario on screen is not written.
    Expected<Scenario> reread = parseScenario(text, file);
    if (!reread || !(*reread == m_scenario))
        return Unexpected(
            Error{ErrorCode::Io, file + ": not written: Coinfer could not write this scenario in the file's own form (" +
                                     (reread ? std::string("it would read back differently") : reread.error().message) +
                                     "). File > Save expanded as... writes the table form."});
    // Saving as the scenario's own description, profile or trace would leave a file that
    // refers to itself and lose the file it referred to.
    if (const std::optional<ScenarioReference> reference = referenceWrittenBy(scenarioReferences(text, file), file))
        return Unexpected(Error{ErrorCode::Io, file + ": not written: it is the scenario's " + reference->role + " (" +
                                                   reference->field + "); choose another file"});
    Expected<void> written = writeFileAtomically(file, text);
    if (!written)
        return written;
    m_path = path;
    m_undoStack->setClean();
    return {};
}

Expected<void> ScenarioDocument::saveExpanded(const QString& path) const
{
    if (m_scenario.users.empty())
        return Unexpected(Error{
            ErrorCode::Io,
            path.toStdString() + ": not written: a scenario needs at least one user. Add one (Edit > Add user) before saving."});
    if (Expected<void> allowed = checkExport(path); !allowed)
        return allowed;
    return writeFileAtomically(path.toStdString(), scenarioToJson(m_scenario));
}

Expected<void> ScenarioDocument::checkExport(const QString& path) const
{
    const std::string file = path.toStdString();
    const std::string own = m_path.startsWith(":") ? std::string() : m_path.toStdString(); // ":" is a bundled resource
    if (!own.empty() && sameFile(file, own))
        return Unexpected(Error{ErrorCode::Io, file + ": not written: it is the scenario file itself; choose another file"});
    if (const std::optional<ScenarioReference> reference =
            referenceWrittenBy(scenarioReferences(m_form.text(), own.empty() ? file : own), file))
        return Unexpected(Error{ErrorCode::Io, file + ": not written: it is the scenario's " + reference->role + " (" +
                                                   reference->field + "); choose another file"});
    return {};
}

void ScenarioDocument::applyFormChange(const FormChange& change)
{
    m_form.apply(change);
    if (!change.note().empty())
        emit formNoted(QString::fromStdString(change.note()));
}

void ScenarioDocument::revertFormChange(const FormChange& change)
{
    m_form.revert(change);
}

bool ScenarioDocument::isModified() const
{
    return !m_undoStack->isClean();
}

void ScenarioDocument::setScenario(const Scenario& scenario)
{
    m_scenario = scenario;
    emit scenarioReset();
    emit edited();
}

void ScenarioDocument::setUser(int row, const User& user)
{
    m_scenario.users[static_cast<size_t>(row)] = user;
    if (m_bulkDepth > 0) {
        m_bulkChanged = true;
        return;
    }
    emit userChanged(row);
    emit edited();
}

void ScenarioDocument::insertUser(int row, const User& user)
{
    m_scenario.users.insert(m_scenario.users.begin() + row, user);
    if (m_bulkDepth > 0) {
        m_bulkChanged = true;
        return;
    }
    emit userInserted(row);
    emit edited();
}

void ScenarioDocument::insertUsers(int row, std::vector<User> users)
{
    Q_ASSERT(m_bulkDepth > 0);
    m_scenario.users.insert(m_scenario.users.begin() + row, std::make_move_iterator(users.begin()),
                            std::make_move_iterator(users.end()));
    m_bulkChanged = true;
}

void ScenarioDocument::removeUser(int row)
{
    m_scenario.users.erase(m_scenario.users.begin() + row);
    if (m_bulkDepth > 0) {
        m_bulkChanged = true;
        return;
    }
    emit userRemoved(row);
    emit edited();
}

void ScenarioDocument::beginBulkChange()
{
    ++m_bulkDepth;
}

void ScenarioDocument::endBulkChange()
{
    if (--m_bulkDepth > 0 || !m_bulkChanged)
        return;
    m_bulkChanged = false;
    emit scenarioReset();
    emit edited();
}

} // namespace coinfer

#include "moc_scenariodocument.cpp"
