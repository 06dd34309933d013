import os, json
os.environ['TF_CPP_MIN_LOG_LEVEL']='3'
import tensorflow as tf, keras
from keras import layers
def old():
    i = keras.Input((8,), name='features')
    x = layers.Dense(16, activation='relu', name='encoder_dense')(i)
    x = layers.BatchNormalization(name='encoder_bn')(x)
    x = layers.Dense(8, activation='relu', name='hidden')(x)
    o = layers.Dense(1, name='head')(x)
    return keras.Model(i, o, name='old_model')
def new():
    i = keras.Input((8,), name='features')
    x = layers.Dense(32, activation='relu', name='encoder_dense')(i)
    x = layers.BatchNormalization(name='encoder_bn')(x)
    x = layers.Dense(8, activation='relu', name='hidden')(x)
    x = layers.Dense(8, activation='relu', name='adapter')(x)
    o = layers.Dense(1, name='output')(x)
    return keras.Model(i, o, name='new_model')
m = old()



ck = tf.train.Checkpoint(model=m)
os.makedirs('out', exist_ok=True)
p = ck.write('out/old.ckpt')
print(p)
open('out/new-model.json','w').write(new().to_json())
