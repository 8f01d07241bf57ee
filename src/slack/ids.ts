/** Every Slack identifier the app answers to; manifest.json must agree (a contract test checks). */
export const ids = {
  command: '/readiness',
  blocks: {
    assessmentHeader: 'assessment_header',
    assessmentStatus: 'assessment_status',
    assessmentBlockers: 'assessment_blockers',
    assessmentCategories: 'assessment_categories',
    assessmentChecks: 'assessment_checks',
    assessmentFooter: 'assessment_footer',
    /** One per manual check waiting for attestation: `attest_<checkId>`. */
    attestPrefix: 'attest_',
    assessmentSignoff: 'assessment_signoff',
    signoffStatus: 'signoff_status',
    /** One per required role: `signoff_role_<role>` and `signoff_buttons_<role>`. */
    signoffRolePrefix: 'signoff_role_',
    signoffButtonsPrefix: 'signoff_buttons_',
    signoffFooter: 'signoff_footer',
    signoffNoteInput: 'signoff_note_input',
    deploymentStatus: 'deployment_status',
    /** One per phase: `deployment_phase_<index>`. */
    deploymentPhasePrefix: 'deployment_phase_',
    deploymentRollback: 'deployment_rollback',
    deploymentGates: 'deployment_gates',
    deploymentButtons: 'deployment_buttons',
    deploymentFooter: 'deployment_footer',
    /** The ephemeral answer to a refused Start. */
    startRefused: 'start_refused',
    startRefusedActions: 'start_refused_actions',
  },
  actions: {
    attestCheck: 'attest_check',
    requestSignoff: 'signoff_request',
    approve: 'signoff_approve',
    approveWithConditions: 'signoff_conditions',
    reject: 'signoff_reject',
    deployStart: 'deploy_start',
    deployCancel: 'deploy_cancel',
    deployPause: 'deploy_pause',
    deployResume: 'deploy_resume',
    deployAbort: 'deploy_abort',
    deployRollback: 'deploy_rollback',
    gateProceed: 'deploy_gate_proceed',
    /** "Run a new assessment" on a refused Start: `<service>/<environment>`, like `/readiness run`. */
    runAssessment: 'run_assessment',
  },
  views: {
    /** The modal that asks for conditions or a rejection reason. */
    signoffNote: 'signoff_note',
  },
  /** The incident alert, its page DMs and the resolve modal. */
  incident: {
    acknowledge: 'incident_acknowledge',
    escalate: 'incident_escalate',
    resolve: 'incident_resolve',
    raise: 'incident_raise',
    lower: 'incident_lower',
    resolveModal: 'incident_resolve_modal',
    summaryBlock: 'incident_summary',
    summaryInput: 'summary',
    /** Lower asks why in a modal first: the reason is announced in the thread and audited. */
    lowerModal: 'incident_lower_modal',
    lowerReasonBlock: 'incident_lower_reason',
    lowerReasonInput: 'reason',
    blocks: {
      header: 'incident_header',
      status: 'incident_status',
      details: 'incident_details',
      summary: 'incident_summary_text',
      evidence: 'incident_evidence',
      paging: 'incident_paging',
      people: 'incident_people',
      actions: 'incident_actions',
      footer: 'incident_footer',
      /** The post-incident review skeleton. */
      reviewHeader: 'review_header',
      reviewFacts: 'review_facts',
      reviewTimeline: 'review_timeline',
      reviewImpact: 'review_impact',
      reviewCause: 'review_cause',
      reviewActions: 'review_actions',
      reviewFigures: 'review_figures',
    },
  },
} as const;
