/** The answer to `/vmlocks <instance>` and to "Check again", for each kind of InspectOutcome. */
import type { InspectOutcome } from '../../../services/types.js';
import type { SlackMessage } from './block-kit.js';
import { buildAmbiguousMessage, buildNotFoundMessage } from './lookup-blocks.js';
import { buildReportMessage } from './report-blocks.js';
import { toReportView } from './report-view.js';

export function buildInspectOutcomeMessage(outcome: InspectOutcome): SlackMessage {
  switch (outcome.kind) {
    case 'report':
      return buildReportMessage(toReportView(outcome.report, outcome.plan));
    case 'not_found':
      return buildNotFoundMessage(outcome.ref);
    case 'ambiguous':
      return buildAmbiguousMessage(outcome.ref, outcome.candidates);
  }
}
