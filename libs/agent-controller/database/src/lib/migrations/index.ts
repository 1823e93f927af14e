import { Foundation1795384171879 } from './1795384171879-Foundation';
import { ClientRegistry1795386483536 } from './1795386483536-ClientRegistry';
import { ClientUsersAndKeycloakSubjects1795388585724 } from './1795388585724-ClientUsersAndKeycloakSubjects';
import { AgentCredentials1795390604422 } from './1795390604422-AgentCredentials';
import { ClientUsage1795393896853 } from './1795393896853-ClientUsage';
import { Provisioning1795395748740 } from './1795395748740-Provisioning';
import { ClientWeakApiKey1796571644526 } from './1796571644526-ClientWeakApiKey';
import { LoginThrottles1796572881850 } from './1796572881850-LoginThrottles';
import { Replicas1796588663761 } from './1796588663761-Replicas';
import { UserLastSignIn1796609740828 } from './1796609740828-UserLastSignIn';
import { ClientUsageHourIndex1796614222814 } from './1796614222814-ClientUsageHourIndex';
import { ClientAgentSnapshots1796614850026 } from './1796614850026-ClientAgentSnapshots';
import { ClientEnvironmentAndLabels1796622713767 } from './1796622713767-ClientEnvironmentAndLabels';
import { Teams1796644330138 } from './1796644330138-Teams';
import { ApiTokens1796645722764 } from './1796645722764-ApiTokens';
import { Webhooks1796645988524 } from './1796645988524-Webhooks';
import { AutoProvisionedBackfill1796660000000 } from './1796660000000-AutoProvisionedBackfill';
import { SetupTokenPerReplica1796661000000 } from './1796661000000-SetupTokenPerReplica';

/** Every migration in order. Migrations are generated, reviewed, and never edited after they land. */
export const MIGRATIONS = [
  Foundation1795384171879,
  ClientRegistry1795386483536,
  ClientUsersAndKeycloakSubjects1795388585724,
  AgentCredentials1795390604422,
  ClientUsage1795393896853,
  Provisioning1795395748740,
  ClientWeakApiKey1796571644526,
  LoginThrottles1796572881850,
  Replicas1796588663761,
  UserLastSignIn1796609740828,
  ClientUsageHourIndex1796614222814,
  ClientAgentSnapshots1796614850026,
  ClientEnvironmentAndLabels1796622713767,
  Teams1796644330138,
  ApiTokens1796645722764,
  Webhooks1796645988524,
  AutoProvisionedBackfill1796660000000,
  SetupTokenPerReplica1796661000000,
];
