import { Engine } from 'mlc-engine';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="TrainAndGate" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Train" />
    <bpmn:serviceTask id="Train" name="Train" camunda:type="external" camunda:topic="train" />
    <bpmn:sequenceFlow id="f2" sourceRef="Train" targetRef="Good" />
    <bpmn:exclusiveGateway id="Good" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="Good" targetRef="Deployed">
      <bpmn:conditionExpression>\${accuracy >= 0.8}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="Good" targetRef="Rejected" />
    <bpmn:endEvent id="Deployed" />
    <bpmn:endEvent id="Rejected" />
  </bpmn:process>
</bpmn:definitions>`;

const engine = await Engine.open({ database: ':memory:' });
engine.handle('train', async (job) => ({ variables: { modelVersion: 7, accuracy: job.variables.target } }));
await engine.deploy({ name: 'quick-start', resources: [{ name: 'train.bpmn', content: xml }] });

const good = await engine.start('TrainAndGate', { businessKey: 'fraud-v7', variables: { target: 0.91 } });
const poor = await engine.start('TrainAndGate', { businessKey: 'fraud-v8', variables: { target: 0.42 } });
await engine.whenIdle();

console.log(good.businessKey, engine.instance(good.id).endElementId); // fraud-v7 Deployed
console.log(poor.businessKey, engine.instance(poor.id).endElementId); // fraud-v8 Rejected
await engine.close();
