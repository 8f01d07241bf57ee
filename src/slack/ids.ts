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
  },
} as const;
