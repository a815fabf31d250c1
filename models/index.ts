export { FrameModel, DEFAULT_POLICY, POLICY_CHOICES, type Expectation, type FrameStatus, type ModelOptions, type ModelPolicy } from './frame-model.js';
export { FrameSet } from './frame-set.js';
