export {
  AccountingError,
  type AccountOptions,
  accountModel,
  type LayerAccount,
  type ModelAccount,
} from './account.js';
