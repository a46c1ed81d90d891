import { cockpit, seg } from '../api.js';
import { diagramPanel, type ElementCount } from '../diagram.js';
import { badge, formatTime, h, pager, replaceChildren, copyableId } from '../dom.js';
import { changed, type Page } from '../page.js';
import { definitionSuspension } from '../suspension-control.js';

interface Version {
  id: string;
  version: number;
  versionTag: string | null;
  deployedAt: number;
  resourceName: string;
  running: number;
  incidents: number;
}
interface DefinitionGroup {
  key: string;
  name: string;
  latestId: string;
  versions: Version[];
  running: number;
  incidents: number;
}
interface Paged<T> {
  total: number;
  firstResult: number;
  maxResults: number;
  items: T[];
}
interface InstanceRow {
  id: string;
  businessKey: string | null;
  startedAt: number;
  incidents: number;
  suspended: boolean;
}

const PAGE = 50;

/** Process definitions with their versions; the selected one's diagram with tokens and incidents per element. */
export const processesPage: Page = async (main, ctx) => {
  const selectedId = ctx.params[0] ? decodeURIComponent(ctx.params[0]) : null;
  const list = h('div', { class: 'definition-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const detail = h('div', { class: 'definition-detail' });
  replaceChildren(main,
    h('h1', {}, 'Processes'),
    h('div', { class: 'split' },
      h('section', { class: 'panel side', 'aria-labelledby': 'defs-title' }, h('h2', { id: 'defs-title' }, 'Definitions'), list),
      detail));
  let definitionsFirst = 0;

  const renderList = (data: Paged<DefinitionGroup>) => {
    if (!changed(list, { data, selectedId })) return;
    if (data.total === 0) {
      replaceChildren(list, h('p', { class: 'empty' }, 'Nothing deployed yet. ', h('a', { href: '#/deploy' }, 'Deploy a .bpmn file'), '.'));
      return;
    }
    replaceChildren(list,
      h('ul', { class: 'plain' }, data.items.map((d) => h('li', { class: d.versions.some((v) => v.id === selectedId) ? 'selected' : '' },
        h('a', { href: `#/processes/${encodeURIComponent(d.latestId)}`, class: 'definition-link' },
          h('span', { class: 'definition-name' }, d.name),
          h('span', { class: 'muted small' }, `${d.key} · v${d.versions[0]?.version ?? '?'}`)),
        h('span', { class: 'counts' },
          badge(d.running, d.running ? 'info' : 'muted', 'running instances'),
          d.incidents ? badge(`${d.incidents} ⚠`, 'bad', 'open incidents') : null)))),
      data.total > data.maxResults ? pager(data.total, data.firstResult, data.maxResults, (first) => {
        definitionsFirst = first;
        void refreshList();
      }, 'Definitions') : null);
  };
  const refreshList = async () => renderList(await cockpit.get<Paged<DefinitionGroup>>(`/definitions?firstResult=${definitionsFirst}&maxResults=100`));

  if (!selectedId) {
    // show the first definition right away rather than an empty pane
    const first = await cockpit.get<Paged<DefinitionGroup>>('/definitions?maxResults=1');
    if (first.items[0]) {
      window.location.replace(`#/processes/${encodeURIComponent(first.items[0].latestId)}`);
      return;
    }
  }
  ctx.poll(refreshList);

  if (!selectedId) {
    replaceChildren(detail, h('section', { class: 'panel' }, h('p', { class: 'empty' }, 'Choose a definition to see its diagram, where its instances stand, and its incidents.')));
    return;
  }

  const definition = await cockpit.get<{ id: string; key: string; name: string; version: number; versionTag: string | null; deployedAt: number }>(`/definitions/${seg(selectedId)}`);
  const versions = h('div', { class: 'versions' });
  const { panel, diagram } = diagramPanel();
  ctx.onLeave(() => diagram.destroy());
  const instances = h('div', { class: 'instances' });
  replaceChildren(detail,
    h('section', { class: 'panel' },
      h('div', { class: 'title-row' },
        h('h2', {}, definition.name, ' ', h('span', { class: 'muted' }, `v${definition.version}`)),
        definitionSuspension(definition.id),
        versions),
      h('p', { class: 'muted small' }, `${definition.id} · deployed ${formatTime(definition.deployedAt)}`),
      panel,
      h('p', { class: 'legend small' },
        h('span', { class: 'token-badge' }, 'n'), ' active tokens  ',
        h('span', { class: 'incident-badge' }, 'n'), ' incidents')),
    h('section', { class: 'panel', 'aria-labelledby': 'inst-title' }, h('h2', { id: 'inst-title' }, 'Running instances'), instances));

  // the deployed XML, or its automatic layout when it has no diagram interchange
  const drawn = await cockpit.get<{ xml: string }>(`/definitions/${seg(definition.id)}/diagram`);
  await diagram.show(drawn.xml, definition.name);

  let instancesFirst = 0;
  const refreshInstances = async () => {
    const data = await cockpit.get<Paged<InstanceRow>>(`/instances?definitionId=${encodeURIComponent(definition.id)}&firstResult=${instancesFirst}&maxResults=${PAGE}`);
    if (!changed(instances, data)) return;
    replaceChildren(instances, data.total === 0 ? h('p', { class: 'empty' }, 'No running instances of this version.') : [
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Instance'), h('th', { scope: 'col' }, 'Business key'), h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Incidents'))),
        h('tbody', {}, data.items.map((i) => h('tr', {},
          h('td', {}, copyableId(i.id, `#/instance/${encodeURIComponent(i.id)}`), i.suspended ? [' ', badge('suspended', 'warn')] : null),
          h('td', {}, i.businessKey ?? '—'),
          h('td', {}, formatTime(i.startedAt)),
          h('td', {}, i.incidents ? badge(i.incidents, 'bad') : '0'))))),
      pager(data.total, data.firstResult, data.maxResults, (first) => {
        instancesFirst = first;
        void refreshInstances();
      }, 'Instances'),
    ]);
  };
  const refreshStatistics = async () => {
    const stats = await cockpit.get<ElementCount[]>(`/definitions/${seg(definition.id)}/statistics`);
    if (!changed(panel, stats)) return;
    diagram.badges(stats);
    diagram.mark({ 'cp-active': stats.filter((s) => s.active > 0).map((s) => s.elementId), 'cp-incident': stats.filter((s) => s.incidents > 0).map((s) => s.elementId) });
  };
  const refreshVersions = async () => {
    const groups = await cockpit.get<Paged<DefinitionGroup>>(`/definitions?key=${encodeURIComponent(definition.key)}&maxResults=1`);
    const group = groups.items.find((g) => g.key === definition.key);
    if (!group || !changed(versions, group.versions)) return;
    const select = h('select', { 'aria-label': 'Version', onchange: (event: Event) => ctx.go(`#/processes/${encodeURIComponent((event.target as HTMLSelectElement).value)}`) },
      group.versions.map((v) => h('option', { value: v.id, selected: v.id === definition.id }, `v${v.version}${v.versionTag ? ` (${v.versionTag})` : ''} · ${v.running} running${v.incidents ? ` · ${v.incidents} incidents` : ''}`)));
    replaceChildren(versions, h('label', { class: 'inline' }, 'Version ', select));
  };
  ctx.poll(async () => {
    await Promise.all([refreshStatistics(), refreshInstances(), refreshVersions()]);
  });
};
