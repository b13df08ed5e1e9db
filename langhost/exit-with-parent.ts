/**
 * Preload module (`node --require <this>.js ...`): the process exits when its parent is gone. The
 * plugin shims setup.sh writes (the dynamic provider host, the policy pack host) load it so that
 * no plugin outlives a killed engine.
 */
import { exitWithParent } from "./parent";

exitWithParent();
