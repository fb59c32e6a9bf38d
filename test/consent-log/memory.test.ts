import { openConsentStore } from '@consent-guard/core';
import { describeStoreContract } from '../helpers/store-contract.js';

describeStoreContract('the memory store', {
  persistent: false,
  async place() {
    const store = openConsentStore('memory');
    return { store: () => store };
  },
});
