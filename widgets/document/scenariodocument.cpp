#include "widgets/document/scenariodocument.h"

#include "core/io/scenarioio.h"

#include <QFile>
#include <QSaveFile>
#include <QUndoStack>

namespace coinfer {

ScenarioDocument::ScenarioDocument(QObject* parent)
    : QObject(parent), m_undoStack(new QUndoStack(this))
{
}

Expected<void> ScenarioDocument::load(const QString& path)
{
    Expected<Scenario> scenario = readScenario(path.toStdString());
    if (!scenario)
        return Unexpected(scenario.error());
    reset(*scenario, path);
    return {};
}

void ScenarioDocument::reset(const Scenario& scenario, const QString& path)
{
    m_scenario = scenario;
    m_path = path;
    m_undoStack->clear();
    emit scenarioReset();
    emit edited();
}

Expected<void> ScenarioDocument::save(const QString& path)
{
    QSaveFile file(path);
    const std::string text = scenarioToJson(m_scenario);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())
        || !file.commit())
        return Unexpected(Error{ErrorCode::Io, path.toStdString() + ": cannot be written: " + file.errorString().toStdString()});
    m_path = path;
    m_undoStack->setClean();
    return {};
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
    emit userChanged(row);
    emit edited();
}

void ScenarioDocument::insertUser(int row, const User& user)
{
    m_scenario.users.insert(m_scenario.users.begin() + row, user);
    emit userInserted(row);
    emit edited();
}

void ScenarioDocument::removeUser(int row)
{
    m_scenario.users.erase(m_scenario.users.begin() + row);
    emit userRemoved(row);
    emit edited();
}

} // namespace coinfer

#include "moc_scenariodocument.cpp"
